namespace Recommender.Grains.Impressions;

/// <summary>
/// What an impression's metrics are counted under: the strategy that made the list, the model
/// version that served it, and its experiment and variant (null outside one). Interned per silo
/// (<see cref="ImpressionRecorder.Group"/>), so a remembered list holds one reference to it.
/// </summary>
public sealed record ImpressionGroup(string Strategy, long ModelVersion, string? Experiment, string? Variant)
{
    /// <summary>"strategy/modelVersion/experiment/variant", "-" for none: the field prefix of the online counters.</summary>
    public string Key { get; } = $"{Strategy}/{ModelVersion}/{Experiment ?? "-"}/{Variant ?? "-"}";

    public static ImpressionGroup? Parse(string key)
    {
        var parts = key.Split('/');
        if (parts.Length != 4 || !long.TryParse(parts[1], out var version)) return null;
        return new ImpressionGroup(parts[0], version, parts[2] == "-" ? null : parts[2], parts[3] == "-" ? null : parts[3]);
    }
}
