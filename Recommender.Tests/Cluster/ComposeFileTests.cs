using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Recommender.Tests.Cluster;

/// <summary>
/// docker-compose.yml has the topology of scripts/cluster.sh and the same keys story: the API in
/// Production takes an admin, a write and a read key from the environment or <c>.env</c> (names
/// documented in <c>.env.example</c>, no secret committed, <c>.env</c> ignored by git), and the
/// silos seed the demo catalog once. There is neither a Docker engine nor a Compose client here
/// (CI neither): the file is parsed as YAML, merge keys resolved as Compose does.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Root = RepositoryRoot();

    [Fact]
    public void Compose_has_the_script_topology_and_its_silos_seed_the_demo_by_default()
    {
        var services = Services();
        Assert.Equal(["api", "redis", "silo1", "silo2"], services.Keys.Order());
        foreach (var silo in new[] { "silo1", "silo2" })
        {
            var env = Environment(services[silo]);
            Assert.Equal("redis:6379", env["RECO_REDIS"]);
            Assert.Equal(silo, env["Cluster__AdvertisedIp"]);
            Assert.DoesNotContain(env.Keys, k => k.StartsWith("Security__", StringComparison.Ordinal));
        }
        var api = Environment(services["api"]);
        Assert.Equal("Cluster", api["Recommender__Mode"]);
        Assert.Equal("redis:6379", api["RECO_REDIS"]);
        Assert.Equal(Environment(services["silo1"])["Cluster__ServiceId"], api["Cluster__ServiceId"]);
        foreach (var silo in new[] { "silo1", "silo2" })
            Assert.Equal("${RECO_SEED_DEMO:-true}", Environment(services[silo])["Recommender__SeedDemoCatalog"]);
        Assert.False(Environment(services["api"]).ContainsKey("Recommender__SeedDemoCatalog"), "the API of a cluster hosts no silo: seeding is the silos' job");
        Assert.Matches("(?m)^RECO_SEED_DEMO=true$", File.ReadAllText(Path.Combine(Root, ".env.example")));
    }

    [Fact]
    public void Api_runs_in_production_with_three_required_keys_from_the_environment_and_none_committed()
    {
        var api = Environment(Services()["api"]);
        Assert.Equal("Production", api["ASPNETCORE_ENVIRONMENT"]);
        var expected = new[] { ("RECO_ADMIN_KEY", new[] { "admin" }), ("RECO_WRITE_KEY", ["write", "read"]), ("RECO_READ_KEY", ["read"]) };
        for (var i = 0; i < expected.Length; i++)
        {
            var (variable, scopes) = expected[i];
            // ${NAME:?message}: required, no default — the file holds no secret, and compose refuses to start without it.
            var key = api[$"Security__ApiKeys__{i}__Key"];
            var match = RequiredVariable().Match(key);
            Assert.True(match.Success, $"Security__ApiKeys__{i}__Key must be ${{{variable}:?…}}, not '{key}'");
            Assert.Equal(variable, match.Groups[1].Value);
            Assert.False(string.IsNullOrEmpty(api[$"Security__ApiKeys__{i}__Name"]));
            Assert.Equal(scopes, api.Where(e => e.Key.StartsWith($"Security__ApiKeys__{i}__Scopes__", StringComparison.Ordinal)).OrderBy(e => e.Key).Select(e => e.Value));
        }
        Assert.Equal(3, api.Keys.Count(k => k.EndsWith("__Key", StringComparison.Ordinal)));

        // .env.example documents every variable the file reads, with empty keys; .env is ignored.
        var example = File.ReadAllText(Path.Combine(Root, ".env.example"));
        foreach (var variable in Variables().Matches(File.ReadAllText(Path.Combine(Root, "docker-compose.yml"))).Select(m => m.Groups[1].Value).Distinct())
            Assert.Matches($"(?m)^{Regex.Escape(variable)}=", example);
        foreach (var (variable, _) in expected)
        {
            Assert.Matches($"(?m)^{variable}=$", example);
            Assert.Contains(variable, File.ReadAllText(Path.Combine(Root, "scripts", "cluster.sh"))); // the script's key file uses the same names
        }
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".gitignore")));
    }

    private static Dictionary<string, object> Services()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var parser = new MergingParser(new Parser(new StringReader(yaml)));
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object>>(parser);
        return ((Dictionary<object, object>)document["services"]).ToDictionary(e => (string)e.Key, e => e.Value);
    }

    private static Dictionary<string, string> Environment(object service) =>
        ((Dictionary<object, object>)((Dictionary<object, object>)service)["environment"]).ToDictionary(e => (string)e.Key, e => e.Value?.ToString() ?? "");

    [GeneratedRegex(@"^\$\{(RECO_[A-Z]+_KEY):\?[^}]+\}$")]
    private static partial Regex RequiredVariable();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variables();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Recommender.sln"))) return dir.FullName;
        throw new InvalidOperationException("Recommender.sln not found above " + AppContext.BaseDirectory);
    }
}
