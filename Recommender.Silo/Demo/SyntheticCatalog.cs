using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recommender.Grains.Items;
using Recommender.Grains.Model;

namespace Recommender.Silo.Demo;

/// <summary>Settings of the synthetic catalog for benchmarks, bound from configuration section <c>Bench</c>.</summary>
public sealed class SyntheticCatalogOptions
{
    public const string Section = "Bench";

    /// <summary>Items to synthesise at silo start (<c>syn-0</c> … <c>syn-{N−1}</c>); 0 = off (the default).</summary>
    public int SyntheticItems { get; set; }

    /// <summary>Synthetic refuses to run outside the Development environment unless this is true.</summary>
    public bool AllowOutsideDevelopment { get; set; }

    /// <summary>Users the synthetic model knows (<c>syn-user-{u}</c>); any other user is folded in on its first event.</summary>
    public int SyntheticUsers { get; set; } = 16;

    /// <summary>Categories <c>syn-cat-{c}</c>; item i has category i mod this.</summary>
    public int SyntheticCategories { get; set; } = 20;

    public int Factors { get; set; } = 64;
    public int Seed { get; set; } = 20260101;
}

/// <summary>
/// Benchmark support, opt-in: fills this silo's <see cref="ItemIndex"/> with N synthetic items and
/// installs a synthetic model (random Gaussian vectors, k = 64) into <see cref="LiveModel"/>, so
/// recommendation latency can be measured over catalogs of 10k–1M items without importing them.
/// Nothing is written to the store: the items live in this silo's index only (events on them create
/// their item grains as for any unknown item), and the model has version
/// <see cref="SyntheticVersion"/>, above any version a training would publish, so the trainer never
/// replaces it (retraining is switched off too: it would only train on the bench's events).
/// Refused outside the Development environment unless <c>Bench:AllowOutsideDevelopment=true</c>.
/// </summary>
public sealed class SyntheticCatalog(
    ItemIndex index, LiveModel live, IOptions<SyntheticCatalogOptions> options, IHostEnvironment environment, ILogger<SyntheticCatalog> logger)
    : IHostedService
{
    public const long SyntheticVersion = 1_000_000_000;

    /// <summary>Registers the catalog when <c>Bench:SyntheticItems</c> &gt; 0 (after the index and model loaders, which it must follow).</summary>
    public static void Register(IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SyntheticCatalogOptions.Section);
        if (section.GetValue<int>(nameof(SyntheticCatalogOptions.SyntheticItems)) <= 0) return;
        builder.Services.AddOptions<SyntheticCatalogOptions>().Bind(section);
        builder.Services.PostConfigure<ModelOptions>(o => { o.RetrainInterval = TimeSpan.Zero; o.DriftCheckPeriod = TimeSpan.FromDays(1); });
        builder.Services.AddHostedService<SyntheticCatalog>();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!environment.IsDevelopment() && !o.AllowOutsideDevelopment)
            throw new InvalidOperationException(
                $"Bench:SyntheticItems={o.SyntheticItems} replaces the model with random vectors and is refused in the '{environment.EnvironmentName}' environment; " +
                "run with --environment Development or set Bench:AllowOutsideDevelopment=true.");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = Build(o);
        foreach (var record in Records(o)) index.Apply(record);
        live.Install(model);
        logger.LogWarning("Synthetic catalog installed: {Items} items, {Users} model users, k = {Factors}, model version {Version} ({Ms} ms). Benchmark mode: not for real traffic.",
            o.SyntheticItems, o.SyntheticUsers, o.Factors, SyntheticVersion, clock.ElapsedMilliseconds);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IEnumerable<ItemRecord> Records(SyntheticCatalogOptions o)
    {
        var categories = Enumerable.Range(0, o.SyntheticCategories).Select(c => new[] { $"syn-cat-{c}" }).ToArray();
        var createdAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (var i = 0; i < o.SyntheticItems; i++)
        {
            yield return new ItemRecord
            {
                ItemId = $"syn-{i}",
                Title = $"Synthetic item {i}",
                Categories = categories[i % categories.Length],
                CreatedAt = createdAt,
                // Zipf-like popularity so the popular fallback has an order: ln(1/(i+1)).
                PopularityLog = -Math.Log(i + 1),
                HasMetadata = true,
                // Two properties for filtered benchmarks: bucket = i mod 100 (a filter on one bucket keeps 1 %), even (50 %).
                Properties = $"{{\"bucket\":{i % 100},\"even\":{(i % 2 == 0 ? "true" : "false")}}}",
                // Version 0: the record of an item grain (created by a first event) replaces it.
                Version = 0,
            };
        }
    }

    public static TrainedModel Build(SyntheticCatalogOptions o)
    {
        var k = o.Factors;
        var random = new Random(o.Seed);
        return new TrainedModel
        {
            Version = SyntheticVersion,
            TrainedAt = DateTimeOffset.UtcNow,
            Factors = k,
            Regularization = 1f,
            Alpha = 3f,
            ItemIds = [.. Enumerable.Range(0, o.SyntheticItems).Select(i => $"syn-{i}")],
            UserIds = [.. Enumerable.Range(0, o.SyntheticUsers).Select(u => $"syn-user-{u}")],
            ItemFactors = Gaussian(random, (long)o.SyntheticItems * k, 0.1f),
            UserFactors = Gaussian(random, (long)o.SyntheticUsers * k, 0.1f),
            ItemOffsets = new int[o.SyntheticItems + 1],
            ItemUsers = [],
            ItemConfidence = [],
            ItemPreference = [],
            Interactions = 0,
            TrainingMs = 0,
            EventsAtTraining = 0,
            UserLogLengths = new int[o.SyntheticUsers],
        };
    }

    private static float[] Gaussian(Random random, long count, float scale)
    {
        var values = new float[count];
        for (long i = 0; i < count; i += 2)
        {
            // Box–Muller: two normal deviates per pair of uniforms.
            var r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * scale;
            var t = 2 * Math.PI * random.NextDouble();
            values[i] = (float)(r * Math.Cos(t));
            if (i + 1 < count) values[i + 1] = (float)(r * Math.Sin(t));
        }
        return values;
    }
}
