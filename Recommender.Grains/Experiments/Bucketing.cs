using System.Text;

namespace Recommender.Grains.Experiments;

/// <summary>
/// A user's place in an experiment: the 64-bit FNV-1a hash of "experiment id \n user id", mixed by
/// SplitMix64's finaliser (FNV alone leaves its low bits correlated for ids that differ in a last
/// digit), scaled to [0, 1). Hashing the experiment id in makes each experiment's split independent of
/// the others'. Test: 10,000 users split within ±2 % of the shares (<c>BucketingTests</c>).
/// </summary>
public static class Bucketing
{
    public static double Position(string experimentId, string userId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes($"{experimentId}\n{userId}"))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        hash ^= hash >> 30; hash *= 0xbf58476d1ce4e5b9UL;
        hash ^= hash >> 27; hash *= 0x94d049bb133111ebUL;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }
}
