namespace Raft.Cli.Tests;

public sealed class ArgumentTests
{
    [Theory]
    [InlineData("get")]
    [InlineData("set", "only-a-key")]
    [InlineData("frobnicate")]
    [InlineData("get", "k", "--timeout", "soon")]
    [InlineData("get", "k", "--timeout", "0s")]
    [InlineData("get", "k", "--address", "ftp://example")]
    [InlineData("benchmark", "--read-ratio", "1.5")]
    [InlineData("benchmark", "--operations", "0")]
    [InlineData("benchmark", "--clients", "many")]
    [InlineData("status", "--verbose")]
    public async Task BadArgumentsExit1WithoutTouchingTheNetwork(params string[] args)
    {
        CliRun run = await Cli.RunAsync(args);

        Assert.True(run.ExitCode == ExitCodes.Usage, run.ToString());
        Assert.Equal(string.Empty, run.Stdout);
        Assert.StartsWith("error: ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help", run.StderrLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoVerbIsAUsageError()
    {
        CliRun run = await Cli.RunAsync();

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public async Task InvalidRaftAddressIsAUsageError()
    {
        CliRun run = await Cli.RunAsync(new Dictionary<string, string> { ["RAFT_ADDRESS"] = "mailto:x@y" }, "get", "k");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("RAFT_ADDRESS", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], new[] { "  2 ", "  3 ", "  4 ", "  5 ", "  6 " })]
    [InlineData(new[] { "set" }, new[] { "  2 ", "  4 ", "  6 " })]
    [InlineData(new[] { "get" }, new[] { "  2 ", "  3 ", "  4 ", "  6 " })]
    [InlineData(new[] { "delete" }, new[] { "  2 ", "  3 ", "  4 ", "  6 " })]
    [InlineData(new[] { "status" }, new[] { "  2 ", "  4 ", "  6 ", "\"reachable\"" })]
    [InlineData(new[] { "health" }, new[] { "  2 ", "  4 ", "  6 " })]
    [InlineData(new[] { "benchmark" }, new[] { "  2 ", "  4 ", "  5 ", "  6 ", "latency_us", "p999", "success_ops_per_sec" })]
    public async Task HelpOfEveryCommandExplainsExitCodes(string[] verb, string[] expected)
    {
        CliRun run = await Cli.RunAsync([.. verb, "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exit codes:", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  0    success", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  1    invalid command line", run.Stdout, StringComparison.Ordinal);
        foreach (string text in expected)
        {
            Assert.Contains(text, run.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("5s", 5_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("3", 3_000)]
    [InlineData("00:00:04", 4_000)]
    public void DurationsParse(string text, int milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out TimeSpan duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1s")]
    [InlineData("5 parsecs")]
    public void NonsenseDurationsDoNotParse(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
