using Recommender.Grains.Items;

namespace Recommender.Silo.Demo;

/// <summary>
/// A deterministic synthetic catalog for the demo: 300 titled items over 15 categories (each
/// item has one or two), the same on every machine.
/// </summary>
public static class DemoCatalog
{
    public static readonly string[] Categories =
    [
        "Action", "Comedy", "Drama", "Sci-Fi", "Romance", "Thriller", "Documentary", "Animation",
        "Horror", "Fantasy", "Mystery", "Adventure", "Music", "History", "Family",
    ];

    private static readonly string[] Adjectives =
    [
        "Silent", "Crimson", "Hidden", "Last", "Golden", "Broken", "Electric", "Frozen", "Wild", "Secret",
        "Midnight", "Distant", "Burning", "Lonely", "Iron", "Velvet", "Hollow", "Shining", "Lost", "Brave",
    ];

    private static readonly string[] Nouns =
    [
        "Harbor", "Empire", "Garden", "Signal", "Voyage", "Kingdom", "Promise", "Shadow", "Orbit", "River",
        "Carnival", "Letter", "Frontier", "Machine", "Island", "Melody", "Citadel", "Forest", "Mirror", "Storm",
    ];

    public const int ItemCount = 300;

    public static ItemMetadata[] Items()
    {
        var random = new Random(20261126);
        var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var items = new ItemMetadata[ItemCount];
        for (var i = 0; i < ItemCount; i++)
        {
            var primary = Categories[i % Categories.Length];
            string[] categories = random.NextDouble() < 0.4
                ? [primary, Categories[(i % Categories.Length + 1 + random.Next(Categories.Length - 1)) % Categories.Length]]
                : [primary];
            items[i] = new ItemMetadata
            {
                ItemId = $"item-{i + 1:D3}",
                Title = $"The {Adjectives[random.Next(Adjectives.Length)]} {Nouns[random.Next(Nouns.Length)]} {Roman(1 + i / 100)}".TrimEnd(),
                Categories = categories,
                CreatedAt = epoch + (long)i * 3_600_000,
            };
        }
        return items;
    }

    private static string Roman(int n) => n switch { 1 => "", 2 => "II", 3 => "III", _ => n.ToString() };
}
