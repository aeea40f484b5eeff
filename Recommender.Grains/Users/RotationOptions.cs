namespace Recommender.Grains.Users;

/// <summary>
/// Rotation (section <c>Recommender:Rotation</c>): items a user was served in a recommendation
/// list within <see cref="Window"/> rank after every item not served recently, so a user who asks
/// again sees something else first. What was served comes from the lists the grain remembers
/// (<see cref="Impressions.ImpressionOptions.ListsPerUser"/>, 8 by default). <c>rotation=true|false</c> on a request overrides <see cref="Enabled"/>.
/// </summary>
public sealed class RotationOptions
{
    public const string Section = "Recommender:Rotation";

    public bool Enabled { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}
