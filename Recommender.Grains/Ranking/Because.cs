using System.Globalization;
using Recommender.Grains.Users;
using Recommender.Learning;

namespace Recommender.Grains.Ranking;

/// <summary>
/// The reason's wording follows what the user did with the history item, its strongest evidence
/// first: bought, rated (with the stars), liked, shared, clicked, viewed — a mere view no longer
/// reads "because you liked X".
/// </summary>
public static class Because
{
    public static string Of(ItemAffinity affinity, string title)
    {
        var t = affinity.Tally;
        if (t.Count(EvidenceKind.Purchase) > 0) return $"because you bought {title}";
        if (t.Count(EvidenceKind.Rating) > 0) return string.Create(CultureInfo.InvariantCulture, $"because you rated {title} {t.LastRating:0.#}★");
        if (t.Count(EvidenceKind.Like) > 0) return $"because you liked {title}";
        if (t.Count(EvidenceKind.Share) > 0) return $"because you shared {title}";
        if (t.Count(EvidenceKind.Click) > 0) return $"because you opened {title}";
        if (t.Count(EvidenceKind.View) > 0) return $"because you viewed {title}";
        return $"because you liked {title}"; // a cell without a tally: a snapshot of the old layout
    }
}
