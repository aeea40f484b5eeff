using BenchmarkDotNet.Running;
using Recommender.Benchmarks;

// dotnet run -c Release --project Recommender.Benchmarks -- <mode>
//   (BenchmarkDotNet)  --filter '*Scan*' | '*FoldIn*' | '*Training*' | '*Filter*'   (add --job short for quick runs)
//   foldin-latency [--calls 100000]      p50/p99 of single FoldIn.User calls
//   train [--runs 3]                     full ALS on ML-100K, median of the runs
//   scan-check [--items 100000]          exactness of the quantised scans against the exact one
//   memory [--users 200000]              bytes per active user grain in a real in-process silo
//   learning offline|prequential|rerank  the in-process ML-100K experiments behind the defaults
//   datasets [ml-100k lastfm-2k synthetic:longtail ...] [--folds 1-5] [--no-baselines]
//                                        self-tuned learning vs popularity, item-kNN, plain ALS, EASE per dataset
//   append                               event-log appends: shared commit vs Garnet per-reply commit vs none
return args.FirstOrDefault() switch
{
    "foldin-latency" => FoldInLatency.Run(args[1..]),
    "train" => TrainingRuns.Run(args[1..]),
    "scan-check" => ScanCheck.Run(args[1..]),
    "memory" => await MemoryProbe.RunAsync(args[1..]),
    "learning" => LearningRuns.Run(args.ElementAtOrDefault(1) ?? ""),
    "datasets" => DatasetRuns.Run(args[1..]),
    "bots" => BotRuns.Run(args[1..]),
    "append" => await AppendProbe.RunAsync(),
    _ => Bdn(args),
};

static int Bdn(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(ScanBenchmarks).Assembly).Run(args, BenchConfig.Create());
    return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
}
