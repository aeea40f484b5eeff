using System.Collections.Concurrent;

namespace Recommender.Rules;

/// <summary>
/// The values of one property over all slots, shaped for the filter's predicates:
/// <list type="bullet">
/// <item>postings (slot sets) for presence, each kind that has discrete values (string, list, true,
/// false) and each distinct string and list entry — equality and IN become unions of postings;</item>
/// <item>a double per slot for numbers and timestamps (NaN: none), scanned for ranges;</item>
/// <item>a string per slot, scanned for string ranges (a union over the distinct strings in range
/// would cost a posting per distinct value: as many as items for a title).</item>
/// </list>
/// A slot holds one value per property, so one kind at a time. Writes come from one writer.
/// </summary>
internal sealed class PropertyColumn
{
    public readonly Posting Present = new();
    public readonly Posting StringKind = new();
    public readonly Posting ListKind = new();
    public readonly Posting True = new();
    public readonly Posting False = new();
    public readonly ConcurrentDictionary<string, Posting> Strings = new(StringComparer.Ordinal);
    public readonly ConcurrentDictionary<string, Posting> Entries = new(StringComparer.Ordinal);

    private double[]? _numbers;
    private string?[]? _texts;

    public double[]? Numbers => Volatile.Read(ref _numbers);
    public string?[]? Texts => Volatile.Read(ref _texts);

    /// <summary>
    /// Changes one slot's value (null: none). The new value's parts are added before the old one's are
    /// removed, so a concurrent reader never sees a property that stays present vanish; it may see the
    /// slot with both the old and the new value for a moment.
    /// </summary>
    public void Replace(int slot, PropertyValue? old, PropertyValue? now, int slots)
    {
        if (old is null && now is null) return;
        if (old is null) Present.Add(slot, slots);
        switch (now?.Kind)
        {
            case PropertyKind.String:
                if (old is { Kind: PropertyKind.String } && old.Text == now.Text) break;
                if (old?.Kind != PropertyKind.String) StringKind.Add(slot, slots);
                Strings.GetOrAdd(now.Text!, _ => new Posting()).Add(slot, slots);
                SetText(slot, now.Text);
                break;
            case PropertyKind.StringList:
                if (old?.Kind != PropertyKind.StringList) ListKind.Add(slot, slots);
                foreach (var entry in now.List)
                    if (old?.Kind != PropertyKind.StringList || !old.List.Contains(entry))
                        Entries.GetOrAdd(entry, _ => new Posting()).Add(slot, slots);
                break;
            case PropertyKind.Number or PropertyKind.Timestamp:
                SetNumber(slot, now.Number);
                break;
            case PropertyKind.Boolean:
                if (old is { Kind: PropertyKind.Boolean } && old.Boolean == now.Boolean) break;
                (now.Boolean ? True : False).Add(slot, slots);
                break;
        }
        switch (old?.Kind)
        {
            case PropertyKind.String:
                if (now is { Kind: PropertyKind.String } && now.Text == old.Text) break;
                Drop(Strings, old.Text!, slot);
                if (now?.Kind != PropertyKind.String)
                {
                    StringKind.Remove(slot);
                    SetText(slot, null);
                }
                break;
            case PropertyKind.StringList:
                foreach (var entry in old.List)
                    if (now?.Kind != PropertyKind.StringList || !now.List.Contains(entry)) Drop(Entries, entry, slot);
                if (now?.Kind != PropertyKind.StringList) ListKind.Remove(slot);
                break;
            case PropertyKind.Number or PropertyKind.Timestamp:
                if (now is null || !FilterSemantics.IsNumeric(now)) SetNumber(slot, double.NaN);
                break;
            case PropertyKind.Boolean:
                if (now is { Kind: PropertyKind.Boolean } && now.Boolean == old.Boolean) break;
                (old.Boolean ? True : False).Remove(slot);
                break;
        }
        if (now is null) Present.Remove(slot);
    }

    /// <summary>An emptied value's posting goes, so the index holds only values some slot has.</summary>
    private static void Drop(ConcurrentDictionary<string, Posting> index, string value, int slot)
    {
        if (!index.TryGetValue(value, out var posting)) return;
        posting.Remove(slot);
        if (posting.Count == 0) index.TryRemove(value, out _);
    }

    private void SetNumber(int slot, double value)
    {
        var numbers = _numbers;
        if (numbers is null || slot >= numbers.Length)
        {
            if (numbers is null && double.IsNaN(value)) return;
            var bigger = new double[Capacity(slot, numbers?.Length ?? 0)];
            bigger.AsSpan().Fill(double.NaN);
            numbers?.CopyTo(bigger, 0);
            Volatile.Write(ref _numbers, bigger);
            numbers = bigger;
        }
        Volatile.Write(ref numbers[slot], value);
    }

    private void SetText(int slot, string? value)
    {
        var texts = _texts;
        if (texts is null || slot >= texts.Length)
        {
            if (texts is null && value is null) return;
            var bigger = new string?[Capacity(slot, texts?.Length ?? 0)];
            texts?.CopyTo(bigger, 0);
            Volatile.Write(ref _texts, bigger);
            texts = bigger;
        }
        Volatile.Write(ref texts[slot], value);
    }

    /// <summary>Doubling, so n slots cost O(n) copying in all.</summary>
    private static int Capacity(int slot, int current) => Math.Max(Math.Max(64, current * 2), slot + 1);
}
