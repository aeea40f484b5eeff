using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recommender.Grains.Users;

/// <summary>
/// A string that holds JSON (canonical properties) written as that JSON, not as a quoted string, so
/// that REST answers and pushes carry <c>"properties": { "price": 10 }</c>; read back from any JSON value.
/// </summary>
public sealed class RawJsonConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null) writer.WriteNullValue();
        else writer.WriteRawValue(value);
    }
}
