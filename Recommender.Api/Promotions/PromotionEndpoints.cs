using System.Text.Json;
using Recommender.Api.Filters;
using Recommender.Api.Validation;
using Recommender.Grains.Rules;

namespace Recommender.Api.Promotions;

/// <summary>
/// <c>/api/v1/promotions</c>: named promotions, stored with the filters and replicated to every
/// silo. An active promotion fills <c>slots</c> of every <c>per</c> places of each personal list
/// (GET …/recommendations, …/next, the seed's recommend, pushed rankings) with the user's best
/// matching items (<see cref="Recommender.Grains.Ranking.Promotions"/>).
/// </summary>
public static class PromotionEndpoints
{
    public const int MaxPer = 100;

    private static readonly StoredRules<PromotionDefinition, PromotionBody, PromotionResponse> Stored = new(
        "promotion", r => r.Promotions(), p => p.Name, (r, p) => r.PutPromotion(p), (r, name) => r.DeletePromotion(name), PromotionResponse.From,
        "{\"filter\": …, \"slots\": …, \"per\": …}", Read);

    public static IEndpointRouteBuilder MapPromotionsApi(this IEndpointRouteBuilder routes)
    {
        Stored.Map(routes, "/api/v1/promotions", "Promotions", "Every promotion, in the order they are applied (by name)");
        return routes;
    }

    private static async Task<PromotionDefinition?> Read(string name, JsonElement root, ValidationErrors errors, IRulesGrain rules)
    {
        var (filter, filterName) = await RuleFilter.ReadAsync(root, errors, rules);
        var per = RuleFilter.Int(root, "per", 1, MaxPer, errors);
        var slots = RuleFilter.Int(root, "slots", 1, per ?? MaxPer, errors);
        var positions = Positions(root, slots, per, errors);
        var startsAt = Iso8601.Field(root, "startsAt", "startsAt", errors, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, "1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        var endsAt = Iso8601.Field(root, "endsAt", "endsAt", errors, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, "1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
        if (startsAt is { } start && endsAt is { } end && end <= start) errors.Add("endsAt", "endsAt must be after startsAt.");
        var enabled = RuleFilter.Bool(root, "enabled", true, errors);
        if (errors.Any) return null;
        return new PromotionDefinition
        {
            Name = name, Filter = filter, FilterName = filterName, Slots = slots!.Value, Per = per!.Value, Positions = positions,
            StartsAt = startsAt, EndsAt = endsAt, Enabled = enabled, UpdatedAt = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>Optional: exactly <c>slots</c> distinct whole numbers in 1…per.</summary>
    private static int[]? Positions(JsonElement root, int? slots, int? per, ValidationErrors errors)
    {
        if (!root.TryGetProperty("positions", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        const string rule = "positions must be a list of distinct whole numbers between 1 and per, one per slot.";
        if (value.ValueKind != JsonValueKind.Array) { errors.Add("positions", rule); return null; }
        var positions = new List<int>();
        foreach (var p in value.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var position) || position < 1 || position > (per ?? MaxPer)) { errors.Add("positions", rule); return null; }
            positions.Add(position);
        }
        if (positions.Distinct().Count() != positions.Count || (slots is { } n && positions.Count != n)) { errors.Add("positions", rule); return null; }
        return [.. positions.Order()];
    }
}

public sealed record PromotionBody(string? Filter, string? FilterName, int Slots, int Per, int[]? Positions, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool Enabled = true);

public sealed record PromotionResponse(
    string Name, string? Filter, string? FilterName, int Slots, int Per, int[] Positions,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool Enabled, bool Active, DateTimeOffset UpdatedAt)
{
    /// <summary><c>positions</c> as applied (the even spread when none was given); <c>active</c>: enabled and inside its window now.</summary>
    public static PromotionResponse From(PromotionDefinition p) => new(
        p.Name, p.Filter, p.FilterName, p.Slots, p.Per,
        p.Positions ?? [.. Grains.Ranking.Promotions.Places(p.Slots, p.Per, null, p.Per).Select(place => place + 1)],
        p.StartsAt, p.EndsAt, p.Enabled, p.IsActive(DateTimeOffset.UtcNow), p.UpdatedAt);
}
