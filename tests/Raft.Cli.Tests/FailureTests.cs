using Raft.Cli.Tests.Fakes;

namespace Raft.Cli.Tests;

public sealed class FailureTests
{
    [Theory]
    [InlineData("get", "k")]
    [InlineData("set", "k", "v")]
    [InlineData("delete", "k")]
    [InlineData("status")]
    [InlineData("health")]
    public async Task ServerDownExits2WithOneLineError(params string[] verb)
    {
        string address = ClosedPort.Address();

        CliRun run = await Cli.RunAsync([.. verb, "--address", address]);

        Assert.True(run.ExitCode == ExitCodes.Unreachable, run.ToString());
        Assert.Equal(string.Empty, run.Stdout);
        string line = Assert.Single(run.StderrLines);
        Assert.Contains($"cannot reach {address}: connection refused", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoLeaderExits4WithTheServersMessage()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Mode = FakeServerMode.Unavailable;

        CliRun run = await Cli.RunAsync("set", "k", "v", "--address", Cli.At(server.Address));

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        string line = Assert.Single(run.StderrLines);
        Assert.Contains(FakeRaftServer.NoLeaderError, line, StringComparison.Ordinal);
        Assert.Contains("HTTP 503", line, StringComparison.Ordinal);
        Assert.Contains("retry after 1s", line, StringComparison.Ordinal);
        Assert.Empty(server.Data);
    }

    [Fact]
    public async Task GarbageResponseExits6()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Mode = FakeServerMode.Garbage;

        CliRun run = await Cli.RunAsync("get", "k", "--address", Cli.At(server.Address));

        Assert.Equal(ExitCodes.RequestFailed, run.ExitCode);
        string line = Assert.Single(run.StderrLines);
        Assert.Contains("unexpected response", line, StringComparison.Ordinal);
        Assert.Contains("I am not a Raft node", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswerWithinTimeoutExits2()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Mode = FakeServerMode.Hang;

        CliRun run = await Cli.RunAsync("get", "k", "--address", Cli.At(server.Address), "--timeout", "200ms");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        string line = Assert.Single(run.StderrLines);
        Assert.Contains($"no response from {Cli.At(server.Address)} within 200ms", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReportsOk()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();

        CliRun run = await Cli.RunAsync("health", "--address", Cli.At(server.Address));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("OK", run.Stdout.Trim());
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public async Task HealthOfSomethingElseFails()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Mode = FakeServerMode.Hang;

        CliRun run = await Cli.RunAsync("health", "--address", Cli.At(server.Address), "--timeout", "150ms");

        Assert.Equal(ExitCodes.Unreachable, run.ExitCode);
        Assert.Single(run.StderrLines);
    }
}
