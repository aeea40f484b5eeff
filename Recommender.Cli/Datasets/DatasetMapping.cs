using System.Globalization;
using Recommender.Client.Api;
using Recommender.Learning;

namespace Recommender.Client.Datasets;

/// <summary>
/// How a dataset's rows (<see cref="Dataset"/>, read by the shared library) become API objects —
/// the choices that make imports repeatable:
/// <list type="bullet">
/// <item>ids are the dataset's own (<c>ml-196</c>, <c>artist-51</c>, …); the event id is
/// <c>{user}-{item}-{row}</c>, so a re-import is acknowledged as duplicates, not applied twice;</item>
/// <item>a rating is a <c>rating</c> event with value round-half-up(rating) clamped to 1–5 (half stars:
/// 0.5→1, 3.5→4); a play count is a <c>view</c> whose value is the count (an amount);</item>
/// <item>categories (genres) go as they are; timestamps through a <see cref="TimestampPolicy"/>;
/// rows without one (Last.fm) are stamped by the server.</item>
/// </list>
/// </summary>
public sealed class DatasetMapping(Dataset data, TimestampPolicy time)
{
    public Dataset Data { get; } = data;
    public TimestampPolicy Time { get; } = time;

    public static DatasetMapping For(Dataset data)
    {
        var stamped = data.Events.Where(e => e.UnixSeconds > 0).Select(e => e.UnixSeconds).ToArray();
        var time = stamped.Length == 0 ? TimestampPolicy.Original : TimestampPolicy.Choose(stamped.Min(), stamped.Max(), DateTimeOffset.UtcNow);
        return new DatasetMapping(data, time);
    }

    public string UserId(int user) => Data.UserIds[user];
    public string ItemId(int item) => Data.Items[item].Id;

    public static int RatingValue(double rating) => (int)Math.Clamp(Math.Round(rating, MidpointRounding.AwayFromZero), 1, 5);

    public ItemUpsert ToItem(DataItem item) => new(item.Id, item.Title, item.Categories);

    public InteractionEvent ToEvent(DataEvent e, int row) => new(
        UserId(e.User),
        ItemId(e.Item),
        e.Kind switch
        {
            EvidenceKind.Rating => EventTypes.Rating,
            EvidenceKind.Like => EventTypes.Like,
            EvidenceKind.Purchase => EventTypes.Purchase,
            EvidenceKind.Click => EventTypes.Click,
            EvidenceKind.Share => EventTypes.Share,
            EvidenceKind.Dislike => EventTypes.Dislike,
            _ => EventTypes.View,
        },
        e.Kind == EvidenceKind.Rating ? RatingValue(e.Value) : e.Value > 0 ? e.Value : null,
        e.UnixSeconds > 0 ? Time.Map(e.UnixSeconds) : null,
        string.Create(CultureInfo.InvariantCulture, $"{UserId(e.User)}-{ItemId(e.Item)}-{row}"));

    /// <summary>The rows as events, each with its row number in <see cref="Dataset.Events"/> order of the given array.</summary>
    public IEnumerable<InteractionEvent> ToEvents(IReadOnlyList<DataEvent> rows) => rows.Select((e, row) => ToEvent(e, row));
}
