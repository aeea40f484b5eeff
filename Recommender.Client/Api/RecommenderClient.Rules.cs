using System.Net;

namespace Recommender.Client.Api;

/// <summary>Stored promotions and boosts (docs/API.md, Promotions and Boosts).</summary>
public sealed partial class RecommenderClient
{
    /// <summary>Every promotion, by name (the order they are applied in).</summary>
    public Task<Promotion[]> ListPromotionsAsync(CancellationToken ct = default) =>
        SendAsync<Promotion[]>(HttpMethod.Get, "api/v1/promotions", null, ct);

    /// <summary>The promotion, or null when none has that name (404).</summary>
    public Task<Promotion?> GetPromotionAsync(string name, CancellationToken ct = default) =>
        SendOrNullOnNotFoundAsync<Promotion>($"api/v1/promotions/{Escape(name)}", ct);

    /// <summary>Stores (or replaces) a promotion; a refused field is a 400 <see cref="RecommenderApiException"/> naming it.</summary>
    public Task<Promotion> PutPromotionAsync(string name, PromotionSpec promotion, CancellationToken ct = default) =>
        SendAsync<Promotion>(HttpMethod.Put, $"api/v1/promotions/{Escape(name)}", promotion, ct);

    /// <summary>Removes the promotion; false when none has that name (404).</summary>
    public Task<bool> DeletePromotionAsync(string name, CancellationToken ct = default) =>
        DeleteOrFalseAsync($"api/v1/promotions/{Escape(name)}", ct);

    /// <summary>Every boost, by name (the order they compose in).</summary>
    public Task<Boost[]> ListBoostsAsync(CancellationToken ct = default) =>
        SendAsync<Boost[]>(HttpMethod.Get, "api/v1/boosts", null, ct);

    /// <summary>The boost, or null when none has that name (404).</summary>
    public Task<Boost?> GetBoostAsync(string name, CancellationToken ct = default) =>
        SendOrNullOnNotFoundAsync<Boost>($"api/v1/boosts/{Escape(name)}", ct);

    /// <summary>Stores (or replaces) a boost; a refused field is a 400 <see cref="RecommenderApiException"/> naming it.</summary>
    public Task<Boost> PutBoostAsync(string name, BoostSpec boost, CancellationToken ct = default) =>
        SendAsync<Boost>(HttpMethod.Put, $"api/v1/boosts/{Escape(name)}", boost, ct);

    /// <summary>Removes the boost; false when none has that name (404).</summary>
    public Task<bool> DeleteBoostAsync(string name, CancellationToken ct = default) =>
        DeleteOrFalseAsync($"api/v1/boosts/{Escape(name)}", ct);

    private async Task<bool> DeleteOrFalseAsync(string path, CancellationToken ct)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, path, null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        await ThrowIfErrorAsync(response, ct).ConfigureAwait(false);
        return true;
    }
}
