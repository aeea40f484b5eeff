namespace Recommender.Grains.Items;

/// <summary>The describable part of an item, as a client sends it (a PUT replaces all of it).</summary>
[GenerateSerializer, Alias("reco.ItemMetadata"), Immutable]
public sealed record ItemMetadata
{
    [Id(0)] public required string ItemId { get; init; }
    [Id(1)] public required string Title { get; init; }
    [Id(2)] public string[] Categories { get; init; } = [];
    /// <summary>Unix milliseconds; null keeps the existing value (or now for a new item).</summary>
    [Id(3)] public long? CreatedAt { get; init; }
    /// <summary>Canonical properties JSON (validated by the API); null: none.</summary>
    [Id(4)] public string? Properties { get; init; }
    [Id(5)] public bool Hidden { get; init; }
    [Id(6)] public long? AvailableFrom { get; init; }
    [Id(7)] public long? ExpiresAt { get; init; }
}

/// <summary>
/// A JSON Merge Patch of an item (RFC 7396), as the API validated it: a field left null is kept;
/// <see cref="PropertiesPatch"/> is the patch of the properties object (names with null removed).
/// </summary>
[GenerateSerializer, Alias("reco.ItemPatch"), Immutable]
public sealed record ItemPatch
{
    [Id(0)] public string? Title { get; init; }
    [Id(1)] public string[]? Categories { get; init; }
    [Id(2)] public string? PropertiesPatch { get; init; }
    [Id(3)] public bool? Hidden { get; init; }
    /// <summary>Set when the patch names the field: a value, or null to clear it.</summary>
    [Id(4)] public Optional<long?> AvailableFrom { get; init; }
    [Id(5)] public Optional<long?> ExpiresAt { get; init; }
}

/// <summary>A field a patch may set to a value, set to null, or leave out.</summary>
[GenerateSerializer, Alias("reco.Optional"), Immutable]
public readonly record struct Optional<T>([property: Id(0)] bool IsSet, [property: Id(1)] T Value)
{
    public static Optional<T> Of(T value) => new(true, value);
}

/// <summary>What a patch did: the new record, or why it was refused (the properties' limits hold over the merged whole).</summary>
[GenerateSerializer, Alias("reco.ItemPatchResult"), Immutable]
public sealed record ItemPatchResult(
    [property: Id(0)] ItemRecord? Record,
    [property: Id(1)] string? ErrorField,
    [property: Id(2)] string? Error);
