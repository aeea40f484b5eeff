namespace Recommender.Grains.Model;

/// <summary>What a user grain tells an item after an event: its new vector and their cell's c and p.</summary>
[GenerateSerializer, Alias("reco.UserCell"), Immutable]
public sealed record UserCell(
    [property: Id(0)] string UserId,
    [property: Id(1)] float[] Vector,
    [property: Id(2)] float Confidence,
    [property: Id(3)] float Preference,
    [property: Id(4)] long ModelVersion);
