using Recommender.Client.Api;

namespace Recommender.Client.MovieLens;

/// <summary>
/// How MovieLens rows become API objects — the choices that make imports repeatable:
/// <list type="bullet">
/// <item>item id <c>{itemPrefix}{movieId}</c> (default <c>ml-42</c>); user id <c>{userPrefix}{userId}</c> (default <c>ml-196</c>);</item>
/// <item>event id <c>{userPrefix}{userId}-{movieId}-{unixSeconds}</c>, so a re-import is acknowledged as duplicates, not applied twice;</item>
/// <item>every rating is a <c>rating</c> event with value round-half-up(rating) clamped to 1–5
/// (ml-latest half stars: 0.5→1, 3.5→4, 4.5→5);</item>
/// <item>genres become categories ("unknown" and "(no genres listed)" dropped);</item>
/// <item>timestamps go through a <see cref="TimestampPolicy"/> (the API refuses anything before 2000-01-01).</item>
/// </list>
/// </summary>
public sealed record MovieLensMapping(string UserPrefix = "ml-", string ItemPrefix = "ml-")
{
    public string UserId(int userId) => UserPrefix + userId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ItemId(int movieId) => ItemPrefix + movieId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string EventId(MovieLensRating r) =>
        FormattableString.Invariant($"{UserPrefix}{r.UserId}-{r.MovieId}-{r.UnixSeconds}");

    public static int RatingValue(double rating) =>
        (int)Math.Clamp(Math.Round(rating, MidpointRounding.AwayFromZero), 1, 5);

    public ItemUpsert ToItem(MovieLensMovie movie) => new(ItemId(movie.MovieId), movie.Title, movie.Genres);

    public InteractionEvent ToEvent(MovieLensRating r, TimestampPolicy time) => new(
        UserId(r.UserId),
        ItemId(r.MovieId),
        EventTypes.Rating,
        RatingValue(r.Rating),
        time.Map(r.UnixSeconds),
        EventId(r));
}
