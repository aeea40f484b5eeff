namespace Recommender.Client.Hosting;

/// <summary>Finds <c>Recommender.Api.dll</c> for <c>reco evaluate</c> to spawn.</summary>
public static class ServerLocator
{
    public const string DllName = "Recommender.Api.dll";
    public const string ProjectDir = "Recommender.Api";

#if DEBUG
    private const string OwnConfiguration = "Debug";
#else
    private const string OwnConfiguration = "Release";
#endif

    /// <summary>
    /// <paramref name="hint"/> may be the dll or a folder (the project folder or an output folder).
    /// Without a hint: walk up from the CLI's base directory to the repository root (the folder holding
    /// <c>Recommender.Api/</c>) and take <c>Recommender.Api/bin/&lt;Configuration&gt;/net10.0/</c>, the CLI's own
    /// configuration first.
    /// </summary>
    public static string Find(string? hint, string? baseDirectory = null)
    {
        if (!string.IsNullOrEmpty(hint))
        {
            var full = Path.GetFullPath(hint);
            if (File.Exists(full))
            {
                return full;
            }

            if (Directory.Exists(full))
            {
                return CandidatesUnder(full).FirstOrDefault(File.Exists)
                    ?? throw new FileNotFoundException($"No {DllName} in '{full}' or its bin/<Configuration>/net10.0/. Build it: dotnet build {full}");
            }

            throw new FileNotFoundException($"--server '{full}' does not exist.");
        }

        for (var dir = new DirectoryInfo(baseDirectory ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, ProjectDir);
            if (Directory.Exists(project))
            {
                return CandidatesUnder(project).FirstOrDefault(File.Exists)
                    ?? throw new FileNotFoundException(
                        $"Found {project} but no built {DllName}. Build it (dotnet build {project}) or pass --server.");
            }
        }

        throw new FileNotFoundException($"Could not find {ProjectDir}/ above {AppContext.BaseDirectory}; pass --server <dll or project dir> or --url.");
    }

    private static IEnumerable<string> CandidatesUnder(string dir)
    {
        yield return Path.Combine(dir, DllName);
        foreach (var configuration in new[] { OwnConfiguration, OwnConfiguration == "Debug" ? "Release" : "Debug" })
        {
            yield return Path.Combine(dir, "bin", configuration, "net10.0", DllName);
        }
    }
}
