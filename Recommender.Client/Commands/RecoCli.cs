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
            .WithDescription("Before/after: a fresh user's top 10, three interactions, the new top 10 and the diff.");

        config.AddBranch<RecoSettings>("import", import =>
        {
            import.SetDescription("Load a public data set into the service.");
            import.AddCommand<ImportMovieLensCommand>("movielens")
                .WithDescription("Import MovieLens (ml-100k or ml-latest CSV): items, then ratings as rating events.")
                .WithExample("import", "movielens", "../shared/data/ml-100k");
        });

        config.AddCommand<WatchCommand>("watch")
            .WithDescription("Follow a user's ranking live over SignalR, with each diff, until Ctrl+C.")
            .WithExample("watch", "ml-196", "-k", "10");

        config.AddCommand<EvaluateCommand>("evaluate")
            .WithDescription("Measure the real service on MovieLens-100K (offline folds or prequential), a fresh server per fold.")
            .WithExample("evaluate", "--data", "../shared/data/ml-100k", "--protocol", "offline", "--folds", "1-5");

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
