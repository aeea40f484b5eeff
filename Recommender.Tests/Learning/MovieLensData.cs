using Recommender.Learning;

namespace Recommender.Tests.Learning;

/// <summary>
/// Finds the ML-100K folder for tests: env RECO_MOVIELENS_DIR first, else the first
/// <c>shared/data/ml-100k</c> found walking up from the test binaries (the repo and <c>shared</c>
/// are siblings locally and in CI). Tests that need it call <see cref="RequireFolder"/>: it skips
/// with a clear message when the data is absent, unless RECO_REQUIRE_ALL=1 turns the skip into a failure.
/// </summary>
public static class MovieLensData
{
    private static readonly Lazy<string?> FolderLazy = new(Locate);
    private static readonly Lazy<MovieLensDataset> DatasetLazy = new(() => MovieLens.Load(RequireFolder()));

    /// <summary>The folder, or null when it cannot be found.</summary>
    public static string? Folder => FolderLazy.Value;

    /// <summary>The folder; skips the calling [SkippableFact] (or fails under RECO_REQUIRE_ALL=1) when absent.</summary>
    public static string RequireFolder()
    {
        var folder = Folder;
        if (folder is not null) return folder;
        const string message = "MovieLens-100K not found: set RECO_MOVIELENS_DIR or place it at ../shared/data/ml-100k beside the repository.";
        if (Environment.GetEnvironmentVariable("RECO_REQUIRE_ALL") == "1")
            throw new InvalidOperationException(message + " (RECO_REQUIRE_ALL=1 forbids skipping)");
        Skip.If(true, message);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The parsed dataset (loaded once per test run), with the same skip rule.</summary>
    public static MovieLensDataset Load()
    {
        RequireFolder();
        return DatasetLazy.Value;
    }

    private static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("RECO_MOVIELENS_DIR");
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return MovieLens.IsPresent(fromEnv) ? Path.GetFullPath(fromEnv) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "ml-100k");
            if (MovieLens.IsPresent(candidate)) return candidate;
        }
        return null;
    }
}
