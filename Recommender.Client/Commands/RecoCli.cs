using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

/// <summary>The command tree of <c>reco</c>.</summary>
public static class RecoCli
{
    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("reco");
        if (Environment.GetEnvironmentVariable("RECO_DEBUG") is "1" or "true")
        {
            config.PropagateExceptions();
        }

        config.AddCommand<DemoCommand>("demo")
            .WithDescription("Before/after: a fresh user's top 10, three interactions, the new top 10, and a summary of the whole demo: new items (rank, title, score), removed ones (former rank), moves. Piped, tables are 120 columns wide unless COLUMNS says otherwise.");

        config.AddCommand<ImportCommand>("import")
            .WithDescription("Load a dataset into the service: the catalogue, then every row as an event (ml-100k, MovieLens CSV, Last.fm 2k, synthetic).")
            .WithExample("import", "../shared/data/ml-100k")
            .WithExample("import", "../shared/data/lastfm-2k");

        config.AddCommand<WatchCommand>("watch")
            .WithDescription("Follow a user's ranking live over SignalR, with each diff, until Ctrl+C.")
            .WithExample("watch", "ml-196", "-k", "10");

        config.AddCommand<EvaluateCommand>("evaluate")
            .WithDescription("Measure the real service on a dataset (offline split or prequential), a fresh server per split, beside popularity, item-kNN, a plain ALS and EASE on the same split.")
            .WithExample("evaluate", "--data", "../shared/data/ml-100k", "--protocol", "offline", "--folds", "1-5")
            .WithExample("evaluate", "--data", "../shared/data/lastfm-2k")
            .WithExample("evaluate", "--data", "synthetic:longtail");

        config.AddCommand<BenchCommand>("bench")
            .WithDescription("Bounded load on a loopback service: events/s (single, batch 100, batch 1000) and recommendation latency.")
            .WithExample("bench", "--duration", "10s", "--concurrency", "8", "--markdown", "bench.md");

        config.AddCommand<PushBenchCommand>("bench-push")
            .WithDescription("Event-to-push latency: POST an event, time until its rankingChanged push arrives (loopback only).")
            .WithExample("bench-push", "--events", "1000", "--watched", "1000", "--writers", "4");

        config.AddCommand<SimulateCommand>("simulate")
            .WithDescription("Taste bots interact and print how their top 10 converges to their hidden taste.")
            .WithExample("simulate", "--users", "5", "--events", "50");
    }
}
