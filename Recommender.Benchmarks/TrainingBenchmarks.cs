using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Recommender.Learning;

namespace Recommender.Benchmarks;

/// <summary>
/// Full implicit-ALS training on ML-100K (every rating an implicit positive with strength √(r/5),
/// α = 3, λ = 30, k = 64, 15 sweeps of 3 CG steps: the service's defaults). Data read in place from
/// RECO_MOVIELENS_DIR or ../shared/data/ml-100k, never copied. Runs in the shared in-process short job
/// (a [SimpleJob] here would use the default toolchain, which builds a child project); the
/// <c>train</c> mode prints the median of 3 plain runs.
/// </summary>
public class TrainingBenchmarks
{
    private InteractionMatrix _matrix = null!;

    [GlobalSetup]
    public void Setup() => _matrix = Ml100k.Matrix();

    [Benchmark(Description = "ALS k=64, 15 sweeps, ML-100K")]
    public AlsModel Train() => ImplicitAls.Train(_matrix, Ml100k.Options);
}

public static class Ml100k
{
    public static string Folder => Environment.GetEnvironmentVariable("RECO_MOVIELENS_DIR") ?? Path.GetFullPath("../shared/data/ml-100k");

    public static readonly ImplicitAlsOptions Options = new() { Factors = 64, Regularization = 30f, Alpha = 3f, Iterations = 15, CgSteps = 3 };

    public static InteractionMatrix Matrix()
    {
        if (!MovieLens.IsPresent(Folder)) throw new InvalidOperationException($"ML-100K not found in {Folder} (set RECO_MOVIELENS_DIR)");
        var data = MovieLens.Load(Folder);
        var builder = new InteractionMatrixBuilder(data.Users, data.Items);
        foreach (var r in data.Ratings) builder.Add(r.User - 1, r.Item - 1, Options.Confidence(RatingWeights.Tuned(r.Rating)), 1f);
        return builder.Build();
    }
}

/// <summary><c>train [--runs 3]</c>: wall time of full trainings, median reported.</summary>
public static class TrainingRuns
{
    public static int Run(string[] args)
    {
        var runs = Args.Int(args, "--runs", 3);
        var matrix = Ml100k.Matrix();
        Console.WriteLine($"ML-100K: {matrix.Users} users × {matrix.Items} items, {matrix.NonZeros:N0} cells; k = 64, 15 sweeps × 3 CG steps, {Environment.ProcessorCount} cores");
        ImplicitAls.Train(matrix, Ml100k.Options with { Iterations = 1 }); // JIT
        var times = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var clock = Stopwatch.StartNew();
            ImplicitAls.Train(matrix, Ml100k.Options);
            times.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {r + 1}: {times[^1]:0.000} s"));
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median of {runs}: {times[runs / 2]:0.000} s (min {times[0]:0.000}, max {times[^1]:0.000})"));
        return 0;
    }
}
