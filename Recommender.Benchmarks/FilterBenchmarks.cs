using BenchmarkDotNet.Attributes;
using Recommender.Rules;

namespace Recommender.Benchmarks;

/// <summary>
/// Filter evaluation over 100k slots: region 1 in 10 'EU', price uniform in [0, 500), brand one of
/// a–d, tags a random subset of {x, y, z, w}. 1 %-selective: region AND price range (a posting,
/// then a vector scan, ANDed); 50 %: brand IN (two postings ORed), tags HAS ANY (one posting).
/// Baseline: the reference Matches on each item's bag, as a per-item tree walk would.
/// </summary>
public class FilterBenchmarks
{
    public const int Items = 100_000;

    private PropertyColumns _columns = null!;
    private PropertyBag[] _bags = [];
    private readonly FilterBinding _binding = FilterBinding.At(0);
    private readonly Filter _regionPrice = Filter.Parse("region = 'EU' AND price < 50");
    private readonly Filter _brand = Filter.Parse("brand IN ('a', 'b')");
    private readonly Filter _tags = Filter.Parse("tags HAS ANY ('x')");

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        string[] tags = ["x", "y", "z", "w"];
        _columns = new PropertyColumns();
        _bags = new PropertyBag[Items];
        for (var slot = 0; slot < Items; slot++)
        {
            _bags[slot] = PropertyBag.From(new Dictionary<string, PropertyValue>
            {
                ["region"] = PropertyValue.Of(random.Next(10) == 0 ? "EU" : $"R{random.Next(9)}"),
                ["price"] = PropertyValue.Of(random.NextDouble() * 500),
                ["brand"] = PropertyValue.Of(((char)('a' + random.Next(4))).ToString()),
                ["tags"] = PropertyValue.Of(tags.Where(_ => random.Next(2) == 0)),
            });
            _columns.Set(slot, _bags[slot]);
        }
    }

    [Benchmark(Baseline = true, Description = "Matches per item: region = 'EU' AND price < 50")]
    public int PerItem()
    {
        var n = 0;
        foreach (var bag in _bags)
            if (_regionPrice.Matches(bag, _binding)) n++;
        return n;
    }

    [Benchmark(Description = "Evaluate 1 %: region = 'EU' AND price < 50")]
    public ulong[] RegionPrice() => _regionPrice.Evaluate(_columns, Items, _binding);

    [Benchmark(Description = "Evaluate 50 %: brand IN ('a', 'b')")]
    public ulong[] Brand() => _brand.Evaluate(_columns, Items, _binding);

    [Benchmark(Description = "Evaluate 50 %: tags HAS ANY ('x')")]
    public ulong[] Tags() => _tags.Evaluate(_columns, Items, _binding);
}
