using Orleans.Concurrency;

namespace Recommender.Grains.Rules;

[StatelessWorker]
public sealed class RulesGrain(RuleStore store) : Grain, IRulesGrain
{
    public const long Key = 0;

    public Task PutFilter(FilterDefinition filter) => store.PutAsync("filter", filter.Name, filter);

    public Task<bool> DeleteFilter(string name) => store.DeleteAsync("filter", name);

    public Task<FilterDefinition[]> Filters() =>
        Task.FromResult(store.Filters.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray());
}
