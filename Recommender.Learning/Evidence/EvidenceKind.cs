namespace Recommender.Learning;

/// <summary>
/// The kinds of evidence an interaction gives, numbered as the service's event types (the log
/// stores those numbers; a test pins that the two enums agree).
/// </summary>
public enum EvidenceKind : byte
{
    View = 0,
    Click = 1,
    Like = 2,
    Dislike = 3,
    Share = 4,
    Purchase = 5,
    Rating = 6,
}
