using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recommender.Learning;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace Recommender.Grains.Model;

/// <summary>
/// Keeps the ALS step's vector kernels warm after a start until they run optimised (at most a
/// minute), so that the first training after a start runs optimised code.
/// <para>
/// Why: our kernels are jitted fully optimised at once (AggressiveOptimization), but the
/// <c>TensorPrimitives</c> methods they call (Dot, MultiplyAdd, Negate — generic code of a
/// package, not precompiled) start at tier 0 and are promoted only after a quiet 100 ms without new
/// tier-0 compilations — a window that a start, an import and the training itself keep reopening.
/// Measured on ML-100K (plain ALS, Release, 3 s after an import): the fit took 3.0 s in the first
/// training against 0.5 s in the second, and the JIT log showed the TensorPrimitives instantiations
/// promoted only near its end. A single warm-up call at start does not help (measured: 5.9–9.8 s):
/// promotion needs calls after the quiet window, so this calls them a little every 250 ms.
/// <c>DOTNET_TC_CallCountingDelayMs=0</c> also fixes it, but slowed event→push by 0.4–1.0 ms p50
/// in the same script (BENCHMARKS.md, "Training in the service").
/// </para>
/// </summary>
public sealed class KernelWarmUp(IOptions<ModelOptions> options) : BackgroundService
{
    private const int Users = 32;
    private const int Items = 64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var duration = options.Value.KernelWarmUp;
        if (duration <= TimeSpan.Zero) return;
        var k = options.Value.Factors;
        var random = new Random(7);
        var itemFactors = new float[Items * k];
        for (var i = 0; i < itemFactors.Length; i++) itemFactors[i] = (float)random.NextDouble() * 0.1f;
        var gram = new float[k * k];
        Gram.Compute(itemFactors, Items, k, gram);
        var columns = Enumerable.Range(0, 12).Select(j => j * 5).ToArray();
        var confidence = columns.Select(_ => 1f + 10f * (float)random.NextDouble()).ToArray();
        var preference = columns.Select(_ => 1f).ToArray();
        var x = new float[k];

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var until = DateTime.UtcNow + duration;
        long first = 0;
        var fastTicks = 0;
        try
        {
            // Until the kernels run several times faster than at first for 8 ticks in a row (tier 0 →
            // optimised is 5–10× here), or the time is up.
            while (fastTicks < 8 && DateTime.UtcNow < until && await timer.WaitForNextTickAsync(stoppingToken))
            {
                var start = Stopwatch.GetTimestamp();
                // Dozens of calls of each kernel per tick: past the 30 calls that promote a method.
                for (var u = 0; u < Users; u++)
                {
                    x.AsSpan().Clear();
                    FoldIn.User(x, itemFactors, k, gram, columns, confidence, preference, 30f, 3);
                }
                var took = Stopwatch.GetTimestamp() - start;
                if (first == 0) first = took;
                fastTicks = took * 3 < first ? fastTicks + 1 : 0;
            }
        }
        catch (OperationCanceledException) { }
    }
}
