namespace Recommender.Learning;

/// <summary>
/// What one user's events on one item add up to, kept raw so that the strength curve can be chosen
/// later (by the self-tuning) without re-reading the log: a saturating count per kind, the latest
/// rating, the summed amount (a play count or quantity sent as an event's value) and the sign of
/// the latest evidence. Packed into 12 bytes: a user grain holds one per item it remembers.
/// </summary>
public struct EvidenceTally
{
    // bits 0–47: counts of view, click, like, dislike, share, purchase (one byte each, saturating at 255)
    // bits 48–55: latest rating × 2 (half stars, 0 = none); bits 56–59: rating count (saturating at 15)
    // bit 63: the latest evidence was negative
    private ulong _packed;

    /// <summary>Σ of the values sent with positive non-rating events (e.g. plays); 0 when none carried one.</summary>
    public float Amount;

    public EvidenceTally(ulong packed, float amount)
    {
        _packed = packed;
        Amount = amount;
    }

    public readonly ulong Packed => _packed;

    public readonly int Count(EvidenceKind kind) => kind == EvidenceKind.Rating
        ? (int)((_packed >> 56) & 0xF)
        : (int)((_packed >> (8 * (int)kind)) & 0xFF);

    /// <summary>The latest rating (0 when the user never rated the item).</summary>
    public readonly float LastRating => ((_packed >> 48) & 0xFF) / 2f;

    public readonly bool Negative => (_packed >> 63) != 0;

    public readonly bool IsEmpty => _packed == 0 && Amount == 0f;

    /// <summary>Adds one event. <paramref name="negative"/> is the event's sign (a dislike, or a rating at or below the negative threshold).</summary>
    public void Add(EvidenceKind kind, float value, bool negative)
    {
        if (kind == EvidenceKind.Rating)
        {
            var halfStars = (ulong)Math.Clamp((int)MathF.Round(value * 2f), 0, 255);
            var count = Math.Min(15UL, ((_packed >> 56) & 0xF) + 1);
            _packed = (_packed & ~(0xFFUL << 48) & ~(0xFUL << 56)) | (halfStars << 48) | (count << 56);
        }
        else
        {
            var shift = 8 * (int)kind;
            var count = (_packed >> shift) & 0xFF;
            if (count < 255) _packed += 1UL << shift;
            if (!negative && value > 0f && float.IsFinite(value)) Amount += value;
        }
        _packed = negative ? _packed | (1UL << 63) : _packed & ~(1UL << 63);
    }
}
