using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.Live;

/// <summary>A watch under a stored filter that is then deleted lapses once, quietly: it is not renewed (and warned about) every period.</summary>
public sealed class LapsedWatchTests
{
    [Fact]
    public async Task A_watch_whose_stored_filter_is_deleted_lapses_once_without_warnings()
    {
        var logs = new LogCapture();
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string>
        {
            ["Live:RenewPeriod"] = "00:00:00.300",
            ["Logging:LogLevel:Recommender.Api.Live.RankingPushRelay"] = "Information",
        }, configure: b => b.Logging.AddProvider(logs));
        var http = server.HttpClient;
        (await http.PutAsJsonAsync("/api/v1/filters/cheap", new { expression = "price < 50" })).EnsureSuccessStatusCode();
        await http.PostAsJsonAsync("/api/v1/events", new { userId = "lapse-u", itemId = "lapse-i", type = "like" });

        var hub = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/recommendations")).Build();
        await hub.StartAsync();
        try
        {
            using var filter = JsonDocument.Parse("""{"filterName":"cheap"}""");
            await hub.InvokeAsync<JsonElement>("WatchFiltered", "lapse-u", 5, filter.RootElement);
            await Task.Delay(TimeSpan.FromSeconds(1)); // renewals while the filter exists: quiet
            Assert.Empty(Relay(logs));

            (await http.DeleteAsync("/api/v1/filters/cheap")).EnsureSuccessStatusCode();
            await Task.Delay(TimeSpan.FromSeconds(2)); // ~6 renewal periods
            var entries = Relay(logs);
            Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
            Assert.Single(entries, e => e.Level == LogLevel.Information && e.Message.Contains("lapses", StringComparison.Ordinal));
        }
        finally
        {
            await hub.DisposeAsync();
        }
    }

    private static List<(DateTimeOffset At, string Category, LogLevel Level, EventId Id, string Message)> Relay(LogCapture logs) =>
        [.. logs.Entries.Where(e => e.Category.EndsWith("RankingPushRelay", StringComparison.Ordinal))];
}
