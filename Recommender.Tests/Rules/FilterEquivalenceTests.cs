using CsCheck;
using Recommender.Rules;

namespace Recommender.Tests.Rules;

/// <summary>Evaluate over the columns must equal Matches on each item, before and after random Set/Clear of slots.</summary>
public class FilterEquivalenceTests
{
    /// <summary>An update: a slot (mod the item count) and its new values, or none (Clear).</summary>
    private static readonly Gen<(int Slot, Dictionary<string, PropertyValue>? Item)> Update =
        Gen.Select(Gen.Int[0, 10_000], Gen.Frequency((1, Gen.Const((Dictionary<string, PropertyValue>?)null)), (4, FilterGen.Item.Select(i => (Dictionary<string, PropertyValue>?)i))));

    [Fact]
    public void Evaluate_equals_Matches_on_every_slot()
    {
        Gen.Select(FilterGen.Item.Array[1, 400], FilterGen.Expression.Array[8], Update.Array[0, 60], Gen.Int[0, 80])
            .Sample((items, expressions, updates, extra) =>
            {
                var filters = expressions.Select(Filter.Parse).ToArray();
                var columns = new PropertyColumns();
                var current = new Dictionary<string, PropertyValue>?[items.Length];
                for (var slot = 0; slot < items.Length; slot++)
                {
                    columns.Set(slot, items[slot]);
                    current[slot] = items[slot];
                }
                Check(filters, columns, current, items.Length + extra);
                foreach (var (at, item) in updates)
                {
                    var slot = at % items.Length;
                    if (item is null) columns.Clear(slot);
                    else columns.Set(slot, item);
                    current[slot] = item;
                }
                Check(filters, columns, current, items.Length);
                Check(filters, columns, current, Math.Max(0, items.Length - extra));
            }, iter: 300);
    }

    /// <summary>Many slots with one value: the postings turn into bitsets, the number scans run whole vectors.</summary>
    [Fact]
    public void Equivalent_with_dense_postings()
    {
        Gen.Select(FilterGen.Item.Array[1, 6], FilterGen.Expression.Array[20], Update.Array[0, 200])
            .Sample((pattern, expressions, updates) =>
            {
                var filters = expressions.Select(Filter.Parse).ToArray();
                var columns = new PropertyColumns();
                var current = new Dictionary<string, PropertyValue>?[1000];
                for (var slot = 0; slot < current.Length; slot++)
                {
                    current[slot] = pattern[slot % pattern.Length];
                    columns.Set(slot, current[slot]!);
                }
                Check(filters, columns, current, current.Length);
                foreach (var (at, item) in updates)
                {
                    var slot = at % current.Length;
                    if (item is null) columns.Clear(slot);
                    else columns.Set(slot, item);
                    current[slot] = item;
                }
                Check(filters, columns, current, current.Length);
            }, iter: 40);
    }

    private static readonly Dictionary<string, PropertyValue> None = [];

    private static void Check(Filter[] filters, PropertyColumns columns, Dictionary<string, PropertyValue>?[] items, int count)
    {
        foreach (var filter in filters)
        {
            var bits = filter.Evaluate(columns, count, FilterGen.Binding);
            Assert.Equal((count + 63) / 64, bits.Length);
            for (var slot = 0; slot < bits.Length * 64; slot++)
            {
                var expected = slot < count && filter.Matches(slot < items.Length ? items[slot] ?? None : None, FilterGen.Binding);
                var actual = (bits[slot >> 6] & (1UL << slot)) != 0;
                if (expected != actual)
                    Assert.Fail($"{filter.Text}: slot {slot} of {count} ({Show(slot < items.Length ? items[slot] : null)}) matches {expected}, Evaluate says {actual}");
            }
        }
    }

    private static string Show(Dictionary<string, PropertyValue>? item) =>
        item is null ? "no properties" : string.Join(", ", item.Select(p => $"{p.Key}: {p.Value.Kind} {p.Value}"));
}
