namespace Recommender.Client.Datasets;

/// <summary>
/// The API accepts event timestamps between 1970-01-01 and now + 1 day; MovieLens-100K was
/// collected in 1997–98 and ml-latest starts in 1995. The policy keeps order and gaps when it can:
/// <list type="bullet">
/// <item><c>Original</c>: unchanged (the data already fits);</item>
/// <item><c>Shift</c>: every timestamp moved forward by the same whole number of years, the fewest
/// that put the earliest on or after 1970-01-01 (never needed for MovieLens) — order, gaps, weekdays-ish and
/// seasons are kept;</item>
/// <item><c>Clamp</c>: when shifting would push the latest past now, earlier timestamps are raised to
/// 1970-01-01 (order of the rest kept; the clamped ones tie).</item>
/// </list>
/// </summary>
public sealed record TimestampPolicy(TimestampMode Mode, int ShiftYears)
{
    public static readonly DateTimeOffset Earliest = DateTimeOffset.UnixEpoch;

    public static TimestampPolicy Original { get; } = new(TimestampMode.Original, 0);

    /// <summary>Chooses the gentlest policy that fits [1970-01-01, now] for data spanning [min, max] unix seconds.</summary>
    public static TimestampPolicy Choose(long minUnixSeconds, long maxUnixSeconds, DateTimeOffset now)
    {
        var min = DateTimeOffset.FromUnixTimeSeconds(minUnixSeconds);
        var max = DateTimeOffset.FromUnixTimeSeconds(maxUnixSeconds);
        if (min >= Earliest)
        {
            return Original;
        }

        var years = Earliest.Year - min.Year;
        while (min.AddYears(years) < Earliest)
        {
            years++;
        }

        return max.AddYears(years) <= now ? new TimestampPolicy(TimestampMode.Shift, years) : new TimestampPolicy(TimestampMode.Clamp, 0);
    }

    public DateTimeOffset Map(long unixSeconds)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        return Mode switch
        {
            TimestampMode.Shift => t.AddYears(ShiftYears),
            TimestampMode.Clamp => t < Earliest ? Earliest : t,
            _ => t,
        };
    }

    public override string ToString() => Mode switch
    {
        TimestampMode.Shift => $"shifted +{ShiftYears} years (the API refuses timestamps before 1970-01-01)",
        TimestampMode.Clamp => "timestamps before 1970-01-01 raised to 1970-01-01 (the API refuses earlier ones)",
        _ => "original timestamps",
    };
}

public enum TimestampMode
{
    Original,
    Shift,
    Clamp,
}
