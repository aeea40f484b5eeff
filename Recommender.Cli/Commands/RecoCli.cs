using System.Reflection;
using Spectre.Console.Cli;

namespace Recommender.Client.Commands;

/// <summary>The command tree of <c>reco</c>.</summary>
public static class RecoCli
{
    public static void Configure(IConfigurator config)
    {
        config.SetApplicationName("reco");
        // `reco --version`: the package's semantic version (+ the commit, which SourceLink adds).
        config.SetApplicationVersion(
            typeof(RecoCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
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

        config.AddBranch("items", items =>
        {
            items.SetDescription("The catalogue: list items with their properties (--filter, --category, --limit), get, put, patch, delete, latest.");
            items.SetDefaultCommand<ItemsListCommand>();
            items.AddCommand<ItemsListCommand>("list")
                .WithDescription("Items with their properties, narrowed by --category and --filter.")
                .WithExample("items", "list", "--filter", "price < 50 AND onSale", "--limit", "10");
            items.AddCommand<ItemsGetCommand>("get").WithDescription("One item with its properties.");
            items.AddCommand<ItemsPutCommand>("put")
                .WithDescription("Describe an item whole: --title, --category (repeatable), --property name=value (repeatable; numbers, true/false, ISO dates and [[a,b]] lists are typed).")
                .WithExample("items", "put", "boots-1", "--title", "Boots", "--category", "Shoes", "--property", "price=49.5", "--property", "tags=[winter,leather]");
            items.AddCommand<ItemsPatchCommand>("patch")
                .WithDescription("Change part of an item: --property, --unset, --hide / --show, --expires <iso|none>.")
                .WithExample("items", "patch", "boots-1", "--property", "price=39", "--hide");
            items.AddCommand<ItemsDeleteCommand>("delete").WithDescription("Delete an item: gone from every ranking and list.");
            items.AddCommand<ItemsLatestCommand>("latest").WithDescription("The newest servable items (--filter, --category, --limit).");
        });

        config.AddBranch("filters", filters =>
        {
            filters.SetDescription("Stored filters, usable by name wherever a filter is (docs/FILTERS.md).");
            filters.SetDefaultCommand<FiltersListCommand>();
            filters.AddCommand<FiltersListCommand>("list").WithDescription("Every stored filter.");
            filters.AddCommand<FiltersPutCommand>("put")
                .WithDescription("Store (or replace) a filter under a name.")
                .WithExample("filters", "put", "cheap", "price < $max", "--description", "under a budget");
            filters.AddCommand<FiltersGetCommand>("get").WithDescription("One stored filter.");
            filters.AddCommand<FiltersDeleteCommand>("delete").WithDescription("Remove a stored filter.");
            filters.AddCommand<FiltersItemsCommand>("items").WithDescription("How many items the filter keeps now, and the first by popularity.");
        });

        config.AddCommand<RecommendCommand>("recommend")
            .WithDescription("A user's list with rank, item, title, score, reason and badges (promoted, new), under --filter, --filter-name, --param, --category, --exploration, --offset, --rotation, --no-rules; --next <recommendationId> pages on.")
            .WithExample("recommend", "ml-196", "-k", "10", "--filter", "price < 50")
            .WithExample("recommend", "ml-196", "--next", "<recommendationId>");

        config.AddBranch("promote", promote =>
        {
            promote.SetDescription("Promotions: places in every personal list reserved for the user's best items matching a filter (docs/API.md, Promotions).");
            promote.SetDefaultCommand<PromoteListCommand>();
            promote.AddCommand<PromoteListCommand>("list").WithDescription("Every promotion, in the order they are applied.");
            promote.AddCommand<PromotePutCommand>("put")
                .WithDescription("Store (or replace) a promotion: --filter or --filter-name, --slots, --per, [[--positions 2,6]] [[--starts <iso>]] [[--ends <iso>]] [[--disabled]].")
                .WithExample("promote", "put", "summer", "--filter", "onSale AND categories = 'Shoes'", "--slots", "2", "--per", "10", "--positions", "2,6");
            promote.AddCommand<PromoteGetCommand>("get").WithDescription("One promotion.");
            promote.AddCommand<PromoteDeleteCommand>("delete").WithDescription("Remove a promotion.");
        });

        config.AddBranch("boosts", boosts =>
        {
            boosts.SetDescription("Boosts: scores of matching items multiplied and shifted before the top-K is chosen (docs/API.md, Boosts).");
            boosts.SetDefaultCommand<BoostsListCommand>();
            boosts.AddCommand<BoostsListCommand>("list").WithDescription("Every boost, in the order they compose.");
            boosts.AddCommand<BoostsPutCommand>("put")
                .WithDescription("Store (or replace) a boost: --filter or --filter-name, --multiply, [[--add]] [[--disabled]].")
                .WithExample("boosts", "put", "acme", "--filter", "brand = 'acme'", "--multiply", "1.5");
            boosts.AddCommand<BoostsGetCommand>("get").WithDescription("One boost.");
            boosts.AddCommand<BoostsDeleteCommand>("delete").WithDescription("Remove a boost.");
        });

        config.AddBranch("experiments", experiments =>
        {
            experiments.SetDescription("A/B tests of serving configurations on the recommendations surface: one runs at a time; users are bucketed by a hash of experiment and user id; results with always-valid intervals.");
            experiments.SetDefaultCommand<ExperimentsListCommand>();
            experiments.AddCommand<ExperimentsListCommand>("list").WithDescription("Every experiment, newest first.");
            experiments.AddCommand<ExperimentsCreateCommand>("create")
                .WithDescription("Create an experiment: one --variant NAME[[=learned|popular]][[,key=value…]] per variant, the control first (keys: share, popularShare, exploration, rules=on|off, filter= last); [[--share 90,10]] [[--holdout 0.1]] [[--metric hitRate|conversion]] [[--alpha 0.05]] [[--start]].")
                .WithExample("experiments", "create", "pop-vs-model", "--variant", "model", "--variant", "pop=popular", "--holdout", "0.1", "--start")
                .WithExample("experiments", "create", "blend", "--variant", "model", "--variant", "blend=learned,popularShare=0.3,rules=off", "--share", "90,10");
            experiments.AddCommand<ExperimentsShowCommand>("show").WithDescription("One experiment: its state and variants.");
            experiments.AddCommand<ExperimentsResultsCommand>("results")
                .WithDescription("Per variant: users, impressions, attributed events, hit rate and conversion with always-valid [[low, high]], CTR; each variant against the control with p; the decision. --watch follows the hub's pushes until Ctrl+C or --for.")
                .WithExample("experiments", "results", "pop-vs-model", "--watch", "--for", "10m");
            experiments.AddCommand<ExperimentsStartCommand>("start").WithDescription("Start a draft experiment (refused while another runs).");
            experiments.AddCommand<ExperimentsStopCommand>("stop").WithDescription("Stop a running experiment: everyone is served the default again.");
            experiments.AddCommand<ExperimentsWinnerCommand>("winner")
                .WithDescription("Declare a variant the winner: the experiment stops and the variant's serving configuration becomes everyone's default.")
                .WithExample("experiments", "winner", "pop-vs-model", "model");
            experiments.AddCommand<ExperimentsDeleteCommand>("delete").WithDescription("Delete a draft or stopped experiment and its results.");
            experiments.AddCommand<ExperimentsServingCommand>("serving").WithDescription("What users outside an experiment are served (a declared winner's configuration, or the default).");
        });

        config.AddBranch("metrics", metrics =>
        {
            metrics.SetDescription("What users do with the lists they are served.");
            metrics.SetDefaultCommand<MetricsOnlineCommand>();
            metrics.AddCommand<MetricsOnlineCommand>("online")
                .WithDescription("Online metrics over a sliding --window (5m, 1h, 24h) per strategy, model version and experiment variant: impressions, attributed events, CTR, hit rate, conversion, mean position, coverage, novelty.")
                .WithExample("metrics", "online", "--window", "24h");
        });

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
