using Orleans.Concurrency;

namespace Recommender.Grains.Rules;

[StatelessWorker]
public sealed class RulesGrain(RuleStore store) : Grain, IRulesGrain
{
    public const long Key = 0;

    public Task PutFilter(FilterDefinition filter) => store.PutAsync(RuleStore.FilterKind, filter.Name, filter);

    public Task<bool> DeleteFilter(string name) => store.DeleteAsync(RuleStore.FilterKind, name);

    public Task<FilterDefinition[]> Filters() =>
        Task.FromResult(store.Filters.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray());

    public Task PutPromotion(PromotionDefinition promotion) => store.PutAsync(RuleStore.PromotionKind, promotion.Name, promotion);

    public Task<bool> DeletePromotion(string name) => store.DeleteAsync(RuleStore.PromotionKind, name);

    public Task<PromotionDefinition[]> Promotions() => Task.FromResult(store.PromotionsByName);

    public Task PutBoost(BoostDefinition boost) => store.PutAsync(RuleStore.BoostKind, boost.Name, boost);

    public Task<bool> DeleteBoost(string name) => store.DeleteAsync(RuleStore.BoostKind, name);

    public Task<BoostDefinition[]> Boosts() => Task.FromResult(store.BoostsByName);
}
