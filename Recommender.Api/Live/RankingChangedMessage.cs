using Recommender.Grains.Domain;
using Recommender.Grains.Live;
using Recommender.Grains.Users;

namespace Recommender.Api.Live;

/// <summary>
/// The wire shape of a <c>rankingChanged</c> push (and of Watch's answer). <c>Rules</c> names the
/// filter it was ranked under (<see cref="WatchRules.Key"/>; null: unfiltered), so a client that
/// changed its filter can drop a push of the old one still in flight. <c>RecommendationId</c> names
/// the pushed list (an impression): an event that carries it is attributed to it.
/// </summary>
public sealed record RankingChangedMessage(
    string UserId, RankedItem[] Items, DiffMessage Diff, CauseMessage? Cause,
    long ModelVersion, DateTimeOffset ComputedAt, long Sequence, string Strategy, string? Rules,
    string? RecommendationId, string? Experiment, string? Variant)
{
    public static RankingChangedMessage From(RankingChange c) => new(
        c.UserId, c.Items,
        new DiffMessage(c.Diff.Added, c.Diff.Removed, [.. c.Diff.Moved.Select(m => new MoveMessage(m.ItemId, m.From, m.To))]),
        c.Cause is { } e ? new CauseMessage(e.Type.ToWire(), e.ItemId, e.Type == EventType.Rating || e.Value != 0f ? e.Value : null, e.EventId, e.Time) : null,
        c.ModelVersion, c.ComputedAt, c.Sequence, c.Strategy, c.Rules, c.RecommendationId, c.Experiment, c.Variant);
}

public sealed record DiffMessage(string[] Added, string[] Removed, MoveMessage[] Moved);
public sealed record MoveMessage(string ItemId, int From, int To);
public sealed record CauseMessage(string Type, string ItemId, float? Value, string? EventId, DateTimeOffset Timestamp);
