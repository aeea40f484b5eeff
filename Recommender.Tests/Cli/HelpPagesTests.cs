namespace Recommender.Tests.Cli;

/// <summary>
/// Every command's help page prints (a newcomer's first call). Spectre.Console reads '[' in a
/// description as markup: "tags=[a,b]" made `reco items --help` exit 255 with "Could not find color or style".
/// </summary>
public sealed class HelpPagesTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("items --help")] [InlineData("items list --help")] [InlineData("items put --help")] [InlineData("items patch --help")]
    [InlineData("filters --help")] [InlineData("filters put --help")]
    [InlineData("promote --help")] [InlineData("promote put --help")] [InlineData("boosts --help")] [InlineData("boosts put --help")]
    [InlineData("recommend --help")] [InlineData("watch --help")] [InlineData("bench --help")] [InlineData("evaluate --help")] [InlineData("import --help")]
    [InlineData("demo --help")] [InlineData("simulate --help")]
    [InlineData("experiments --help")] [InlineData("experiments list --help")] [InlineData("experiments create --help")] [InlineData("experiments show --help")]
    [InlineData("experiments results --help")] [InlineData("experiments start --help")] [InlineData("experiments stop --help")]
    [InlineData("experiments winner --help")] [InlineData("experiments delete --help")] [InlineData("experiments serving --help")]
    [InlineData("metrics --help")] [InlineData("metrics online --help")]
    public async Task A_help_page_prints_and_exits_0(string command)
    {
        var (exit, output) = await RecoProcess.RunAsync(command.Split(' '), TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"reco {command} exited {exit}:\n{output}");
        Assert.Contains("USAGE", output, StringComparison.OrdinalIgnoreCase);
    }
}
