using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Recommender.Silo.Hosting;

public static class SiloDefaults
{
    /// <summary>Quiet framework logs, the health endpoint on loopback, no demo catalog (the cluster's data is real).</summary>
    public static WebApplicationBuilder UseSiloDefaults(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls("http://127.0.0.1:8081");
        builder.Configuration.AddInMemoryCollection([new("Recommender:SeedDemoCatalog", builder.Configuration["Recommender:SeedDemoCatalog"] ?? "false")]);
        return builder;
    }
}
