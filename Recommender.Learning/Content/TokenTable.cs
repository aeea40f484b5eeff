namespace Recommender.Learning;

/// <summary>An immutable <see cref="ITokenSource"/> over a fixed list of items' string tokens (offline use and tests).</summary>
public sealed class TokenTable : ITokenSource
{
    private readonly int[][] _tokens;
    private readonly List<int>[] _postings;

    public TokenTable(IReadOnlyList<IEnumerable<string>> items)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        _tokens = new int[items.Count][];
        var postings = new List<List<int>>();
        for (var i = 0; i < items.Count; i++)
        {
            var row = new SortedSet<int>();
            foreach (var token in items[i])
            {
                if (!ids.TryGetValue(token, out var id))
                {
                    ids[token] = id = ids.Count;
                    postings.Add([]);
                }
                row.Add(id);
            }
            _tokens[i] = [.. row];
            foreach (var id in row) postings[id].Add(i);
            if (row.Count > 0) Described++;
        }
        _postings = [.. postings];
        Ids = ids;
    }

    public IReadOnlyDictionary<string, int> Ids { get; }

    public int Items => _tokens.Length;

    public int Described { get; }

    public ReadOnlySpan<int> Of(int item) => _tokens[item];

    public ReadOnlySpan<int> ItemsWith(int token) => (uint)token < (uint)_postings.Length ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_postings[token]) : [];
}
