using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Recommender.Grains.Items;

/// <summary>
/// Places a grain on the silo its key names (<see cref="SiloAddress.ToParsableString"/>), so that a
/// caller can reach a given silo's in-process services — here, its item index. A key naming no
/// live silo activates locally; the grain then refuses (see <see cref="SiloIndexGrain"/>).
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("reco.SiloBoundPlacement")]
public sealed class SiloBoundPlacement : PlacementStrategy
{
    public static readonly SiloBoundPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(SiloBoundPlacement.Instance);

public sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        foreach (var silo in context.GetCompatibleSilos(target))
            if (silo.ToParsableString() == key) return Task.FromResult(silo);
        return Task.FromResult(context.LocalSilo);
    }
}
