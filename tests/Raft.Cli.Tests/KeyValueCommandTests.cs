using Raft.Cli.Tests.Fakes;

namespace Raft.Cli.Tests;

public sealed class KeyValueCommandTests
{
    [Fact]
    public async Task SetGetDeleteRoundTrip()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        string address = Cli.At(server.Address);

        CliRun set = await Cli.RunAsync("set", "greeting", "Hello Cluster!", "--address", address);
        Assert.Equal(0, set.ExitCode);
        Assert.Equal("OK", set.Stdout.Trim());
        Assert.Equal(string.Empty, set.Stderr);
        Assert.Equal("Hello Cluster!", server.Data["greeting"]);

        CliRun get = await Cli.RunAsync("get", "greeting", "--address", address);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal("Hello Cluster!" + Environment.NewLine, get.Stdout);
        Assert.Equal(string.Empty, get.Stderr);

        CliRun delete = await Cli.RunAsync("delete", "greeting", "--address", address);
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal("OK", delete.Stdout.Trim());
        Assert.False(server.Data.ContainsKey("greeting"));

        CliRun after = await Cli.RunAsync("get", "greeting", "--address", address);
        Assert.Equal(ExitCodes.NotFound, after.ExitCode);
    }

    [Fact]
    public async Task GlobalOptionsMayComeBeforeTheVerbAndHostPortIsEnough()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Data["k"] = "v";

        CliRun run = await Cli.RunAsync("--address", $"{server.Address.Host}:{server.Address.Port}", "-t", "2s", "get", "k");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("v", run.Stdout.Trim());
    }

    [Fact]
    public async Task AddressComesFromRaftAddressWhenNotGiven()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Data["k"] = "from env";

        CliRun run = await Cli.RunAsync(new Dictionary<string, string> { ["RAFT_ADDRESS"] = Cli.At(server.Address) }, "get", "k");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("from env", run.Stdout.Trim());
    }

    [Fact]
    public async Task GetOfMissingKeyPrintsNotFoundOnStderrAndExits3()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();

        CliRun run = await Cli.RunAsync("get", "nope", "--address", Cli.At(server.Address));

        Assert.Equal(ExitCodes.NotFound, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal(["(not found)"], run.StderrLines);
    }

    [Fact]
    public async Task ValuesWithMarkupAndUnicodeArePrintedVerbatim()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        const string Value = "[red]not markup[/] ü {0} \"quoted\"";

        Assert.Equal(0, (await Cli.RunAsync("set", "k", Value, "-a", Cli.At(server.Address))).ExitCode);
        CliRun get = await Cli.RunAsync("get", "k", "-a", Cli.At(server.Address));

        Assert.Equal(Value + Environment.NewLine, get.Stdout);
    }

    [Fact]
    public async Task RejectedRequestExits6WithTheServersMessage()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();

        CliRun run = await Cli.RunAsync("set", new string('k', FakeRaftServer.MaxKeyLength + 1), "v", "--address", Cli.At(server.Address));

        Assert.Equal(ExitCodes.RequestFailed, run.ExitCode);
        string line = Assert.Single(run.StderrLines);
        Assert.Contains("key too large", line, StringComparison.Ordinal);
        Assert.Contains("HTTP 413", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuccessFalseWithHttp200IsAFailure()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.FailEveryNthCommand = 1;

        CliRun run = await Cli.RunAsync("set", "k", "v", "--address", Cli.At(server.Address));

        Assert.Equal(ExitCodes.RequestFailed, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains(FakeRaftServer.InjectedError, Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
