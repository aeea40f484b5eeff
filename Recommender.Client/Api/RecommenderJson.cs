using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recommender.Client.Api;

/// <summary>The wire format of the API: web defaults (camelCase, case-insensitive reads), nulls omitted.</summary>
public static class RecommenderJson
{
    /// <summary>The options every request and answer is (de)serialised with.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>For report files: indented, and non-ASCII text (×, é) written as is.</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
