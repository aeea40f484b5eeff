using Recommender.Client.Api;

namespace Recommender.Client.Simulation;

/// <summary>
/// A simulated person with a hidden taste — two favourite categories — who acts on what the
/// service recommends. The rules (the simulator page's <c>js/bots.js</c> follows the same ones):
/// <list type="number">
/// <item>Each round it reads its top 10 and scores it: precision@10 = the share of the ten with a favourite category.</item>
/// <item>Every fifth interaction it browses instead: it finds an unseen item of its favourite categories in
/// turn (the first, then the second, …) in the catalogue — as a person sometimes searches instead of
/// scrolling the feed, which is how a second taste the feed has not guessed yet becomes visible.</item>
/// <item>Otherwise it takes the first unseen item of its taste listed in its top 10 — its event then carries
/// the list's <c>recommendationId</c>, so the server attributes it to that list; if none is listed, it
/// finds one in the catalogue (an event without an id).</item>
/// <item>Whatever it takes, it likes (half the time) or rates 4–5 — it is its taste.</item>
/// <item>Its taste is used up when fewer than 10 of its items are unseen: precision@10 cannot stay at 1 from
/// there on, which the chart and the summary mark instead of reading it as un-learning.</item>
/// </list>
/// </summary>
public sealed class TasteBot
{
    public const int K = 10;
    public const int BrowseEvery = 5;
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly List<BotStep> _path = [];
    private readonly List<Item> _tasteItems;

    public TasteBot(string userId, IReadOnlyList<string> taste, IEnumerable<Item> catalogue)
    {
        UserId = userId;
        Taste = taste;
        _tasteItems = [.. catalogue.Where(i => InTaste(i.Categories))];
    }

    public string UserId { get; }
    public IReadOnlyList<string> Taste { get; }
    public IReadOnlyList<BotStep> Path => _path;
    public int Interactions => _touched.Count;
    public int UnseenTasteItems => _tasteItems.Count(i => !_touched.Contains(i.ItemId));

    /// <summary>Fewer than <see cref="K"/> unseen items of its taste are left: precision@10 must fall from here.</summary>
    public bool TasteUsedUp => UnseenTasteItems < K;

    public bool InTaste(IReadOnlyList<string>? categories) => categories?.Any(c => Taste.Contains(c, StringComparer.OrdinalIgnoreCase)) == true;

    /// <summary>Share of the top <see cref="K"/> with a favourite category (a shorter list counts its missing slots as misses).</summary>
    public double Precision(IReadOnlyList<RecommendedItem> items) => (double)items.Take(K).Count(i => InTaste(i.Categories)) / K;

    /// <summary>Records the ranking it just read.</summary>
    public double Observe(IReadOnlyList<RecommendedItem> top)
    {
        var precision = Precision(top);
        _path.Add(new BotStep(Interactions, precision, UnseenTasteItems));
        return precision;
    }

    /// <summary>The next interaction, or null when nothing of its taste is left unseen.</summary>
    /// <param name="recommendationId">
    /// The id of the list <paramref name="top"/> came from: an item taken from the list carries it (the
    /// server attributes the event to that list); an item found in the catalogue does not.
    /// </param>
    public InteractionEvent? Choose(IReadOnlyList<RecommendedItem> top, Random random, string? recommendationId = null)
    {
        var next = Interactions + 1;
        string? itemId = null;
        if (next % BrowseEvery == 0)
        {
            var category = Taste[(next / BrowseEvery - 1) % Taste.Count];
            itemId = Find(random, category) ?? Find(random, null);
        }
        var fromList = false;
        if (itemId is null && top.Take(K).FirstOrDefault(i => InTaste(i.Categories) && !_touched.Contains(i.ItemId)) is { } listed)
        {
            itemId = listed.ItemId;
            fromList = true;
        }
        itemId ??= Find(random, null);
        if (itemId is null) return null;
        _touched.Add(itemId);
        var attribution = fromList ? recommendationId : null;
        return random.NextDouble() < 0.5
            ? new InteractionEvent(UserId, itemId, EventTypes.Like, EventId: $"{UserId}-{next}", RecommendationId: attribution)
            : new InteractionEvent(UserId, itemId, EventTypes.Rating, random.Next(4, 6), EventId: $"{UserId}-{next}", RecommendationId: attribution);
    }

    private string? Find(Random random, string? category)
    {
        var unseen = _tasteItems.Where(i => !_touched.Contains(i.ItemId)
            && (category is null || i.Categories?.Contains(category, StringComparer.OrdinalIgnoreCase) == true)).ToList();
        return unseen.Count == 0 ? null : unseen[random.Next(unseen.Count)].ItemId;
    }
}

/// <summary>One reading of a bot's top 10: after how many interactions, its precision@10 and how much of its taste was left unseen.</summary>
public sealed record BotStep(int Interactions, double Precision, int UnseenTaste);
