using Recommender.Api.Problems;
namespace Recommender.Api.Dashboard;

/// <summary>
/// The Orleans Dashboard parses the silo address in its own routes (<c>/dashboard/SiloProperties/{address}</c>
/// and the like) and answered 500 to garbage, 503 to an address of no silo, or an empty series
/// for a made-up one. Only the address of a live silo of this cluster reaches it; anything else is
/// a 404 problem naming the address.
/// </summary>
public static class DashboardAddressGuard
{
    /// <summary>The dashboard routes whose remainder is a silo address (<c>{*address}</c> / <c>{*path}</c>).</summary>
    private static readonly string[] AddressRoutes = ["SiloProperties", "SiloMetadata", "SiloStats", "SiloCounters", "HistoricalStats"];

    /// <summary>After the security middleware (an unauthorised caller learns nothing about silos), before the dashboard.</summary>
    public static WebApplication UseDashboardAddressGuard(this WebApplication app, string prefix)
    {
        app.Use(async (context, next) =>
        {
            if (AddressOf(context.Request.Path, prefix) is not { } address || await IsLiveSilo(context.RequestServices.GetRequiredService<IGrainFactory>(), address))
            {
                await next(context);
                return;
            }
            await context.WriteProblemAsync(StatusCodes.Status404NotFound, "Unknown silo.",
                "The address is not that of a live silo of this cluster (the form is host:port@generation, as the dashboard lists them).",
                errors: new Dictionary<string, string[]> { ["address"] = ["address must be the address of a live silo."] });
        });
        return app;
    }

    /// <summary>The decoded address segment(s) of an address route, or null for any other path.</summary>
    private static string? AddressOf(PathString path, string prefix)
    {
        if (!path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase, out var rest) || !rest.HasValue) return null;
        var value = rest.Value!.TrimStart('/');
        var slash = value.IndexOf('/');
        var route = slash < 0 ? value : value[..slash];
        if (!AddressRoutes.Contains(route, StringComparer.OrdinalIgnoreCase)) return null;
        return slash < 0 ? "" : value[(slash + 1)..];
    }

    private static async Task<bool> IsLiveSilo(IGrainFactory grains, string address)
    {
        // Cheap refusals first: the address form is short, printable ASCII, host:port@generation.
        if (address.Length is 0 or > 100 || address.IndexOf('@') < 0 || address.Any(c => c is <= ' ' or > '~')) return false;
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.Any(silo => string.Equals(silo.ToParsableString(), address, StringComparison.Ordinal));
    }
}
