namespace Recommender.Grains.Rules;

/// <summary>Writes and lists the stored rules through the local silo's <see cref="RuleStore"/> (a stateless worker: no single activation on the path).</summary>
public interface IRulesGrain : IGrainWithIntegerKey
{
    Task PutFilter(FilterDefinition filter);
    Task<bool> DeleteFilter(string name);
    Task<FilterDefinition[]> Filters();

    Task PutPromotion(PromotionDefinition promotion);
    Task<bool> DeletePromotion(string name);
    Task<PromotionDefinition[]> Promotions();

    Task PutBoost(BoostDefinition boost);
    Task<bool> DeleteBoost(string name);
    Task<BoostDefinition[]> Boosts();
}
