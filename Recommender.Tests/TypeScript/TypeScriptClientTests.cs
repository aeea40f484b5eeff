using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Recommender.Tests.Infrastructure;

namespace Recommender.Tests.TypeScript;

/// <summary>
/// The TypeScript client (Recommender.Client.TypeScript, npm package @recommender/client) against a
/// running server: its types are the server's OpenAPI document (regenerated here and compared, so
/// the two cannot drift), it compiles, it works from Node, and it packs.
/// </summary>
public sealed class TypeScriptClientTests : IAsyncLifetime
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);
    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [SkippableFact]
    public async Task Its_types_are_the_served_OpenAPI_document_and_the_client_compiles_against_them()
    {
        var node = NodeScript.RequireNode();
        var package = NodeScript.PackageDir();
        using var temp = new TempDirectory();
        var document = Path.Combine(temp.Path, "openapi.json");
        await File.WriteAllTextAsync(document, await _server.HttpClient.GetStringAsync("/openapi/v1.json"));

        // Generated as `npm run generate` does, into a copy of the sources inside the package (so
        // that tsc resolves @microsoft/signalr from the package's node_modules).
        var check = Path.Combine(package, ".drift-check");
        if (Directory.Exists(check)) Directory.Delete(check, recursive: true);
        try
        {
            CopyDirectory(Path.Combine(package, "src"), Path.Combine(check, "src"));
            File.Copy(Path.Combine(package, "tsconfig.json"), Path.Combine(check, "tsconfig.json"));
            var generated = await NodeScript.RunAsync(node,
                [Path.Combine(package, "node_modules", "openapi-typescript", "bin", "cli.js"), document, "--output", Path.Combine(check, "src", "schema.ts")],
                package, ToolTimeout);
            Assert.True(generated.ExitCode == 0, $"openapi-typescript failed, {generated}");

            // The client compiles against the document as served now…
            var compiled = await NodeScript.RunAsync(node,
                [Path.Combine(package, "node_modules", "typescript", "bin", "tsc"), "-p", Path.Combine(check, "tsconfig.json"), "--noEmit"],
                package, ToolTimeout);
            // …and the committed types are that document, exactly.
            var committed = Normalize(await File.ReadAllTextAsync(Path.Combine(package, "src", "schema.ts")));
            var fresh = Normalize(await File.ReadAllTextAsync(Path.Combine(check, "src", "schema.ts")));
            Assert.True(compiled.ExitCode == 0, $"The TypeScript client does not compile against the served OpenAPI document, tsc {compiled}");
            Assert.True(committed == fresh,
                "Recommender.Client.TypeScript/src/schema.ts is not the served OpenAPI document: the API changed. " +
                "Regenerate it (run the API, then: cd Recommender.Client.TypeScript && npm run generate) and review the client. " +
                FirstDifference(committed, fresh));
        }
        finally
        {
            if (Directory.Exists(check)) Directory.Delete(check, recursive: true);
        }
    }

    [SkippableFact]
    public async Task From_Node_it_records_events_once_reads_rankings_names_refused_fields_and_receives_the_push()
    {
        var node = NodeScript.RequireNode();
        var package = NodeScript.PackageDir();
        Assert.True(File.Exists(Path.Combine(package, "dist", "index.js")), "dist/index.js is missing: the API's build compiles the client (Npm.targets)");
        string[] items = ["ts-1", "ts-2", "ts-3", "ts-4", "ts-5", "ts-6"];
        var upsert = await _server.HttpClient.PostAsJsonAsync("/api/v1/items",
            items.Select(id => new { itemId = id, title = $"Title {id}", categories = new[] { "Drama" } }));
        Assert.True(upsert.IsSuccessStatusCode, await upsert.Content.ReadAsStringAsync());

        var run = await NodeScript.RunAsync(node,
            [Path.Combine(ScriptDir(), "client-smoke.mjs"), package, _server.BaseAddress.ToString().TrimEnd('/'), "ts-user", string.Join(',', items)],
            package, ToolTimeout);
        Assert.True(run.ExitCode == 0, $"node client-smoke.mjs failed, {run}");
        var line = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        var seen = JsonDocument.Parse(line).RootElement;

        Assert.Equal(1, seen.GetProperty("first").GetProperty("accepted").GetInt32());
        Assert.Equal(0, seen.GetProperty("first").GetProperty("duplicates").GetInt32());
        Assert.Equal(1, seen.GetProperty("retry").GetProperty("duplicates").GetInt32());
        var ranking = seen.GetProperty("ranking");
        Assert.Equal("ts-user", ranking.GetProperty("userId").GetString());
        Assert.Equal(5, ranking.GetProperty("count").GetInt32());
        Assert.False(string.IsNullOrEmpty(ranking.GetProperty("recommendationId").GetString()));
        Assert.False(ranking.GetProperty("liked").GetBoolean()); // an item the user acted on is not recommended back
        Assert.Equal(400, seen.GetProperty("refused").GetProperty("status").GetInt32());
        Assert.Contains("[0].type", seen.GetProperty("refused").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("ts-user", seen.GetProperty("watched").GetProperty("userId").GetString());
        var pushed = seen.GetProperty("pushed");
        Assert.Equal("ts-user", pushed.GetProperty("userId").GetString());
        Assert.Equal("view", pushed.GetProperty("cause").GetString());
        Assert.Equal("ts-3", pushed.GetProperty("itemId").GetString());
        Assert.Equal(2, seen.GetProperty("profile").GetProperty("totalEvents").GetInt32()); // the like (its retry not applied twice) and the view
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("unknown").ValueKind);
    }

    [SkippableFact]
    public async Task It_packs_as_an_npm_package_of_its_compiled_modules_types_and_readme()
    {
        var node = NodeScript.RequireNode();
        var npm = Requirements.FindExecutable("npm");
        Requirements.SkipUnless(npm is not null, "npm is not on PATH");
        var package = NodeScript.PackageDir();
        var packed = await NodeScript.RunAsync(npm!, ["pack", "--dry-run", "--json", "--ignore-scripts"], package, ToolTimeout);
        Assert.True(packed.ExitCode == 0, $"npm pack failed, {packed}");
        var json = packed.Output[packed.Output.IndexOf('[')..];
        var files = JsonDocument.Parse(json).RootElement[0].GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToHashSet();
        foreach (var expected in new[] { "package.json", "README.md", "dist/index.js", "dist/index.d.ts", "dist/client.js", "dist/live.js", "dist/schema.d.ts" })
            Assert.Contains(expected, files);
        Assert.DoesNotContain(files, f => f.StartsWith("src/") || f.StartsWith("node_modules/"));
        _ = node;
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd();

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "(end)";
            var y = i < b.Length ? b[i] : "(end)";
            if (x != y) return $"First difference at line {i + 1}: committed `{x.Trim()}`, served `{y.Trim()}`.";
        }
        return "";
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static string ScriptDir([CallerFilePath] string sourceFile = "") => Path.GetDirectoryName(sourceFile)!;
}
