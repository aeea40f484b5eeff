using System.Collections.ObjectModel;
using System.Diagnostics;

namespace Recommender.Tests.Telemetry;

/// <summary>
/// What the in-memory exporter fills, safe to read while spans still end on other threads
/// (a plain list given to the exporter can throw while being enumerated).
/// </summary>
public sealed class SpanCollection : Collection<Activity>
{
    private readonly Lock _gate = new();

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate) base.InsertItem(index, item);
    }

    public Activity[] Snapshot()
    {
        lock (_gate) return [.. this];
    }
}
