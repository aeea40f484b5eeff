using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Recommender.Benchmarks;

/// <summary>
/// Short jobs run in this process: BenchmarkDotNet's default toolchain would build a child project
/// (and the referenced projects into their own bin/obj), which a shared workspace must not do.
/// Medians, percentiles and the ratio to the [Benchmark(Baseline = true)] of the same run are what count.
/// </summary>
public static class BenchConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithLaunchCount(1)
            .WithId("short-inproc"))
        .AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Max)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .WithOptions(ConfigOptions.DisableLogFile);
}
