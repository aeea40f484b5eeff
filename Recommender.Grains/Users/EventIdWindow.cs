using System.IO.Hashing;
using System.Text;

namespace Recommender.Grains.Users;

/// <summary>One remembered event id: its 128-bit hash and when it arrived (unix ms, server clock).</summary>
[GenerateSerializer, Alias("reco.EventIdStamp")]
public struct EventIdStamp
{
    [Id(0)] public ulong Low;
    [Id(1)] public ulong High;
    [Id(2)] public long At;

    public readonly UInt128 Hash => new(High, Low);
}

/// <summary>
/// The idempotency window of one user: every event id that arrived within
/// <see cref="RecommenderOptions.IdempotencyWindow"/> (24 h), and never fewer than the last
/// <see cref="RecommenderOptions.IdempotencyMinimumIds"/> nor more than
/// <see cref="RecommenderOptions.IdempotencyMaximumIds"/>. Ids are kept as XxHash128 digests with
/// their arrival time — 24 B each against ~60 B for the string — so a day of a heavy user fits:
/// 100,000 ids are 2.4 MB. Two different ids collide with probability ~n²/2¹²⁹ (n = 10⁵: 10⁻²⁹).
/// The stamps live in the snapshot, oldest first; the lookup set is built only once the window is
/// longer than a linear scan is cheap for (most users hold a few ids).
/// </summary>
internal sealed class EventIdWindow(List<EventIdStamp> stamps, RecommenderOptions options)
{
    private const int LinearSearch = 16;
    private HashSet<UInt128>? _set;

    public static UInt128 HashOf(string id)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(id.Length)];
        return XxHash128.HashToUInt128(utf8[..Encoding.UTF8.GetBytes(id, utf8)]);
    }

    public bool Contains(UInt128 hash)
    {
        if (_set is null && stamps.Count <= LinearSearch)
        {
            foreach (var s in stamps) if (s.Hash == hash) return true;
            return false;
        }
        if (_set is null)
        {
            _set = new HashSet<UInt128>(stamps.Count);
            foreach (var s in stamps) _set.Add(s.Hash);
        }
        return _set.Contains(hash);
    }

    public void Add(UInt128 hash, long at)
    {
        stamps.Add(new EventIdStamp { Low = (ulong)hash, High = (ulong)(hash >> 64), At = at });
        _set?.Add(hash);
    }

    /// <summary>Drops, oldest first, what is both past the age limit and beyond the minimum count, and anything beyond the maximum count.</summary>
    public void Prune(long now)
    {
        var oldest = now - (long)options.IdempotencyWindow.TotalMilliseconds;
        var drop = Math.Max(0, stamps.Count - options.IdempotencyMaximumIds);
        while (drop < stamps.Count - options.IdempotencyMinimumIds && stamps[drop].At < oldest) drop++;
        if (drop == 0) return;
        if (_set is not null) for (var i = 0; i < drop; i++) _set.Remove(stamps[i].Hash);
        stamps.RemoveRange(0, drop);
    }
}
