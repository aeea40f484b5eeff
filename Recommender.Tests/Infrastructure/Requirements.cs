namespace Recommender.Tests.Infrastructure;

/// <summary>
/// Tests that need something outside the repository (a redis-server 7 binary, Chromium, the
/// MovieLens data) skip with a clear message when it is absent — unless RECO_REQUIRE_ALL=1
/// (set by CI), which turns every such skip into a failure.
/// </summary>
public static class Requirements
{
    public const string RequireAllVariable = "RECO_REQUIRE_ALL";

    public static bool RequireAll => Environment.GetEnvironmentVariable(RequireAllVariable) is "1" or "true";

    /// <summary>Skips (or fails, under RECO_REQUIRE_ALL) when <paramref name="missing"/> holds.</summary>
    public static void SkipUnless(bool available, string whatIsMissing)
    {
        if (available) return;
        if (RequireAll) throw new InvalidOperationException($"{whatIsMissing} ({RequireAllVariable}=1 makes this a failure, not a skip).");
        Skip.If(true, whatIsMissing);
    }

    public static string? FindExecutable(params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (Path.IsPathRooted(candidate) && File.Exists(candidate)) return candidate;
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                var path = Path.Combine(dir, candidate);
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }
}
