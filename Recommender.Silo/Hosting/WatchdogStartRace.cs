using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Recommender.Silo.Hosting;

/// <summary>
/// Works around a start-up race in Orleans' silo watchdog (<c>Orleans.Runtime.Watchdog</c>, seen in
/// Microsoft.Orleans.Runtime 10.4.2) that logged, at every few starts,
/// <c>Watchdog: Participant check thread has not completed for 00:23:26 …</c> — the figure being the
/// machine's uptime — and recorded a component-stall health event with it (which counts towards the
/// silo's local health degradation score).
/// <para>
/// The cause: <c>Watchdog.Start()</c> starts the platform thread before it sets
/// <c>_componentWatchdogTimestamp</c>; the platform thread's first check measures the time since that
/// field, which is still 0 — a <see cref="TimeProvider"/> timestamp of 0 is the clock's origin, the
/// machine's boot on Linux — so whenever the new thread runs before <c>Start</c>'s next line, the
/// "stall" is the uptime. Only this first reading is wrong: from then on the field holds the
/// component thread's last check.
/// </para>
/// <para>
/// The fix gives the field a real timestamp just before the silo starts the watchdog (the lifecycle
/// stage before <c>RuntimeGrainServices</c>, where <c>Silo</c> calls <c>Start</c>), so the first
/// reading measures from there — a few milliseconds, unless the start really stalls. Nothing is
/// filtered: every real watchdog warning still comes through. It reaches into Orleans' internals
/// (a private field of an internal type), so it checks what it finds and, if a later Orleans
/// renamed them, logs that the workaround no longer applies and does nothing
/// (<c>Api/StartupTests</c> fails then: look whether Orleans fixed the race, and drop this).
/// </para>
/// </summary>
public sealed class WatchdogStartRace(IServiceProvider services, ILogger<WatchdogStartRace> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly Type? WatchdogType = typeof(Orleans.Runtime.Silo).Assembly.GetType("Orleans.Runtime.Watchdog");
    private static readonly FieldInfo? ComponentTimestamp = WatchdogType?.GetField("_componentWatchdogTimestamp", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly FieldInfo? Clock = WatchdogType?.GetField("_timeProvider", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Whether this Orleans has the watchdog's fields the workaround sets.</summary>
    public static bool Applies => ComponentTimestamp?.FieldType == typeof(long) && Clock is not null && typeof(TimeProvider).IsAssignableFrom(Clock.FieldType);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WatchdogStartRace), ServiceLifecycleStage.RuntimeGrainServices - 1, _ =>
        {
            var watchdog = WatchdogType is null ? null : services.GetService(WatchdogType);
            if (watchdog is null || !Prime(watchdog))
                logger.LogInformation("The Orleans watchdog start-up workaround does not apply to this Orleans version (no Watchdog._componentWatchdogTimestamp)");
            return Task.CompletedTask;
        });

    /// <summary>Sets the watchdog's last component check to now, before its <c>Start</c>; false if the fields are not there.</summary>
    public static bool Prime(object watchdog)
    {
        if (!Applies || !WatchdogType!.IsInstanceOfType(watchdog)) return false;
        var clock = (TimeProvider?)Clock!.GetValue(watchdog) ?? TimeProvider.System;
        ComponentTimestamp!.SetValue(watchdog, clock.GetTimestamp());
        return true;
    }

    /// <summary>The watchdog's last component check (a <see cref="TimeProvider"/> timestamp), for tests.</summary>
    public static long? LastComponentCheck(object watchdog) => Applies ? (long?)ComponentTimestamp!.GetValue(watchdog) : null;

    /// <summary>The silo's watchdog instance, for tests.</summary>
    public static object? Find(IServiceProvider services) => WatchdogType is null ? null : services.GetService(WatchdogType);

    /// <summary>The watchdog type, for tests that build a fresh one.</summary>
    public static Type? Type => WatchdogType;
}
