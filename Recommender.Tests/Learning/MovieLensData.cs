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
        Infrastructure.Requirements.SkipUnless(folder is not null, WhyMissing(Environment.GetEnvironmentVariable(Variable)));
        return folder!;
    }

    public const string Variable = "RECO_MOVIELENS_DIR";

    /// <summary>The skip's reason, given <see cref="Variable"/>'s value: the variable to set and where the data was looked for.</summary>
    public static string WhyMissing(string? fromEnv)
    {
        const string files = "the ml-100k folder, with u.data, u.item, u.genre and u1.base … u5.test";
        if (!string.IsNullOrWhiteSpace(fromEnv))
            return $"MovieLens-100K not found: {Variable}={fromEnv} ({Path.GetFullPath(fromEnv)}) is not {files}.";
        var beside = RepositoryRoot() is { } root ? Path.Combine(Path.GetDirectoryName(root)!, "shared", "data", "ml-100k") : null;
        return $"MovieLens-100K not found: set {Variable} to {files}, or put it at shared/data/ml-100k in a folder above the tests"
            + (beside is null ? "." : $" — beside this repository: {beside}.");
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Recommender.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>The parsed dataset (loaded once per test run), with the same skip rule.</summary>
    public static MovieLensDataset Load()
    {
        RequireFolder();
        return DatasetLazy.Value;
    }

    private static string? Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(Variable);
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
