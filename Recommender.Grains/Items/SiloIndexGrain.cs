namespace Recommender.Grains.Items;

[SiloBoundPlacement]
public sealed class SiloIndexGrain(ItemIndex index, ILocalSiloDetails silo) : Grain, ISiloIndexGrain
{
    public Task<bool> Apply(ItemRecord record)
    {
        // Activated elsewhere when its silo is gone: applying here would prove nothing about that silo.
        if (this.GetPrimaryKeyString() != silo.SiloAddress.ToParsableString())
        {
            DeactivateOnIdle();
            return Task.FromResult(false);
        }
        index.Apply(record);
        return Task.FromResult(true);
    }
}
