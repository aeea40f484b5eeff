using Recommender.Learning;

namespace Recommender.Benchmarks;

/// <summary>
/// <c>scan-check [--items 100000] [--queries 200]</c>: how often the quantised scans return exactly
/// the exact top-10 (same ids, same order), for oversampling 1×, 2× and 4× K.
/// </summary>
public static class ScanCheck
{
    public static int Run(string[] args)
    {
        var items = Args.Int(args, "--items", 100_000);
        var queries = Args.Int(args, "--queries", 200);
        const int k = ScanBenchmarks.Factors, count = ScanBenchmarks.K;
        var (vectors, _, seen) = ScanData.Create(items, k, seed: 11);
        var int8 = Int8Vectors.Quantize(vectors, k);
        var half = new HalfVectors(vectors, k);
        var rng = new Random(5);
        Console.WriteLine($"{items:N0} items × k = {k}, {queries} random Gaussian queries, top-{count}: share of queries with the exact top-{count} (ids and order)");
        Console.WriteLine("| variant | oversample | exact top-10 | mean overlap |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var oversample in new[] { 1, 2, 4 })
        {
            int exact8 = 0, exactH = 0;
            double overlap8 = 0, overlapH = 0;
            for (var q = 0; q < queries; q++)
            {
                var query = Enumerable.Range(0, k).Select(_ => ScanData.Gaussian(rng)).ToArray();
                var truth = TopK.Search(vectors, k, query, count, excludeBits: seen);
                var a = QuantizedTopK.Search(int8, vectors, query, count, seen, oversample: oversample);
                var b = QuantizedTopK.Search(half, vectors, query, count, seen, oversample: oversample);
                if (a.SequenceEqual(truth)) exact8++;
                if (b.SequenceEqual(truth)) exactH++;
                overlap8 += a.Select(s => s.Index).Intersect(truth.Select(s => s.Index)).Count() / (double)count;
                overlapH += b.Select(s => s.Index).Intersect(truth.Select(s => s.Index)).Count() / (double)count;
            }
            Console.WriteLine($"| int8 | {oversample}×K | {exact8}/{queries} | {overlap8 / queries:P2} |");
            Console.WriteLine($"| half | {oversample}×K | {exactH}/{queries} | {overlapH / queries:P2} |");
        }
        return 0;
    }
}
