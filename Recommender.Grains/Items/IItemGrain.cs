using Orleans.Concurrency;
using Recommender.Grains.Domain;

namespace Recommender.Grains.Items;

/// <summary>One item: metadata, counters per event type and decayed popularity (key: item id).</summary>
public interface IItemGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the item's description (a deleted item comes back).</summary>
    Task<ItemRecord> Upsert(ItemMetadata metadata);

    /// <summary>Applies a merge patch; null when the item does not exist (or is deleted).</summary>
    Task<ItemPatchResult?> Patch(ItemPatch patch);

    /// <summary>Deletes the item everywhere: answers once stored and published (false: it did not exist).</summary>
    Task<bool> Delete();

    /// <summary>The item, or null when nobody described it and nobody interacted with it.</summary>
    Task<ItemRecord?> Get();

    /// <summary>Counts interactions sent by user grains (one-way: an item counter never delays an acknowledgement).</summary>
    /// <param name="cell">The user's fresh vector and their cell of the matrix, for the online item step (null: counters only).</param>
    [OneWay]
    Task Interacted(ItemInteraction[] interactions, Model.UserCell? cell);

    /// <summary>Erases one user's contribution to the counters and to the item's online row (privacy: forget user).</summary>
    Task Forget(string userId, ItemInteraction[] interactions);
}

[GenerateSerializer, Alias("reco.ItemInteraction"), Immutable]
public readonly record struct ItemInteraction(
    [property: Id(0)] EventType Type,
    [property: Id(1)] float Weight,
    [property: Id(2)] long Timestamp);
