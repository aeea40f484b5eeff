using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recommender.ServiceDefaults.Json;

/// <summary>The JSON every endpoint and hub speaks: camelCase names, enums as camelCase strings.</summary>
public static class JsonDefaults
{
    /// <summary>Applies the shared settings to <paramref name="options"/> (HTTP endpoints, SignalR payloads).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        // NaN and ±Infinity are written as strings rather than failing the whole answer (scores may be undefined).
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return options;
    }
}
