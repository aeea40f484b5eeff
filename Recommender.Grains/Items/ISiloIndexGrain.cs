namespace Recommender.Grains.Items;

/// <summary>One silo's item index, addressed by the silo's address (key: <see cref="SiloAddress.ToParsableString"/>).</summary>
public interface ISiloIndexGrain : IGrainWithStringKey
{
    /// <summary>Applies the record to this silo's index; answers once it is there (false: the grain is not on the silo its key names).</summary>
    Task<bool> Apply(ItemRecord record);
}
