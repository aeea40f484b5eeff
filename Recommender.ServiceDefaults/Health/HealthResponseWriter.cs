using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recommender.ServiceDefaults.Health;

/// <summary>
/// <c>{ "status", …summary data, "checks": [ { "name", "status", "description", "data" } ] }</c>:
/// what a probe needs (the status code) and what an operator reads (why, and e.g. which model serves).
/// </summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        // Written to memory first: the serializer flushes synchronously, which Kestrel refuses on its body.
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer)) Write(json, report);
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static void Write(Utf8JsonWriter json, HealthReport report)
    {
        json.WriteStartObject();
        json.WriteString("status", Name(report.Status));
        foreach (var (_, entry) in report.Entries)
        {
            if (!entry.Tags.Contains(HealthExtensions.SummaryTag)) continue;
            foreach (var (key, value) in entry.Data)
            {
                json.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(key));
                JsonSerializer.Serialize(json, value);
            }
        }
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", Name(entry.Status));
            json.WriteString("description", entry.Description);
            json.WritePropertyName("data");
            JsonSerializer.Serialize(json, entry.Data);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string Name(HealthStatus status) => status.ToString().ToLowerInvariant();
}
