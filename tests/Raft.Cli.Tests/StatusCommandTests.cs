using System.Text.Json;
using Raft.Cli.Tests.Fakes;

namespace Raft.Cli.Tests;

/// <summary>
/// Three fake nodes that list each other in "members": node-1 leads, node-2 follows, node-3 is stopped
/// (or hangs), so status has to show it as unreachable.
/// </summary>
public sealed class StatusCommandTests : IAsyncLifetime
{
    private FakeRaftServer leader = null!;
    private FakeRaftServer follower = null!;
    private FakeRaftServer third = null!;

    public async Task InitializeAsync()
    {
        leader = await FakeRaftServer.StartAsync("node-1");
        follower = await FakeRaftServer.StartAsync("node-2");
        third = await FakeRaftServer.StartAsync("node-3");
        string a1 = Cli.At(leader.Address), a2 = Cli.At(follower.Address), a3 = Cli.At(third.Address);

        (leader.State, leader.Term, leader.LeaderId, leader.CommitIndex, leader.LastApplied, leader.LogLength) = (2, 3, "node-1", 12, 12, 13);
        leader.Members = [new("node-2", a2, 12, 13, "Replicate"), new("node-3", a3, 9, 10, "Probe")];
        (follower.State, follower.Term, follower.LeaderId, follower.CommitIndex, follower.LastApplied, follower.LogLength) = (0, 3, "node-1", 11, 10, 12);
        follower.Members = [new("node-1", a1), new("node-3", a3)];
        (third.State, third.Term, third.LeaderId) = (0, 3, "node-1");
        third.Members = [new("node-1", a1), new("node-2", a2)];
    }

    public async Task DisposeAsync()
    {
        await leader.DisposeAsync();
        await follower.DisposeAsync();
        await third.DisposeAsync();
    }

    [Fact]
    public async Task TableShowsEveryNodeAndTheUnreachableOne()
    {
        await third.DisposeAsync();

        // Asked through the follower: the leader's replication view must still be found.
        CliRun run = await Cli.RunAsync("status", "--address", Cli.At(follower.Address));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(string.Empty, run.Stderr);
        string[] lines = run.Stdout.Split('\n');
        string[] rows = [.. lines.Where(l => l.StartsWith("│ node-", StringComparison.Ordinal))];
        Assert.Equal(3, rows.Length);
        string row1 = Assert.Single(rows, l => l.Contains("node-1 ", StringComparison.Ordinal) && l.Contains(Cli.At(leader.Address), StringComparison.Ordinal));
        string row2 = Assert.Single(rows, l => l.Contains("node-2 ", StringComparison.Ordinal) && l.Contains(Cli.At(follower.Address), StringComparison.Ordinal));
        string row3 = Assert.Single(rows, l => l.Contains("node-3 ", StringComparison.Ordinal) && l.Contains(Cli.At(third.Address), StringComparison.Ordinal));
        Assert.Contains("Leader", row1, StringComparison.Ordinal);
        Assert.Contains("Follower", row2, StringComparison.Ordinal);
        Assert.Contains("match 12, next 13, Replicate", row2, StringComparison.Ordinal);
        Assert.Contains("unreachable", row3, StringComparison.Ordinal);
        Assert.Contains("match 9, next 10, Probe", row3, StringComparison.Ordinal);
        Assert.Contains("leader node-1, term 3", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"node-3 unreachable: cannot reach {Cli.At(third.Address)}: connection refused", run.Stdout, StringComparison.Ordinal);
        foreach (string header in new[] { "Node", "Address", "Role", "Term", "Leader", "Commit", "Applied", "Log", "Lag" })
        {
            Assert.Contains(header, lines.First(l => l.Contains("Address", StringComparison.Ordinal)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task JsonHasEveryNodeWithLagAndReachability()
    {
        await third.DisposeAsync();

        CliRun run = await Cli.RunAsync("status", "--json", "--address", Cli.At(leader.Address));

        Assert.True(run.ExitCode == 0, run.ToString());
        using JsonDocument document = JsonDocument.Parse(run.Stdout);
        JsonElement root = document.RootElement;
        Assert.Equal(Cli.At(leader.Address), root.GetProperty("queried_address").GetString());
        Assert.Equal("node-1", root.GetProperty("leader_id").GetString());
        Assert.Equal(3, root.GetProperty("term").GetInt64());
        JsonElement[] nodes = [.. root.GetProperty("nodes").EnumerateArray()];
        Assert.Equal(["node-1", "node-2", "node-3"], nodes.Select(n => n.GetProperty("node_id").GetString()));

        JsonElement n1 = nodes[0], n2 = nodes[1], n3 = nodes[2];
        Assert.True(n1.GetProperty("reachable").GetBoolean());
        Assert.Equal("Leader", n1.GetProperty("role").GetString());
        Assert.Equal(0, n1.GetProperty("lag").GetInt64());
        Assert.Equal(JsonValueKind.Null, n1.GetProperty("replication").ValueKind);
        Assert.Equal(13, n1.GetProperty("status").GetProperty("log_length").GetInt64());

        Assert.True(n2.GetProperty("reachable").GetBoolean());
        Assert.Equal("Follower", n2.GetProperty("role").GetString());
        Assert.Equal(2, n2.GetProperty("lag").GetInt64()); // leader commit 12 - applied 10
        Assert.Equal(12, n2.GetProperty("replication").GetProperty("match_index").GetInt64());
        Assert.Equal(Cli.At(follower.Address), n2.GetProperty("address").GetString());

        Assert.False(n3.GetProperty("reachable").GetBoolean());
        Assert.Contains("connection refused", n3.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, n3.GetProperty("lag").GetInt64()); // leader commit 12 - match 9
        Assert.Equal("Probe", n3.GetProperty("replication").GetProperty("progress").GetString());
        Assert.Equal(JsonValueKind.Null, n3.GetProperty("status").ValueKind);
    }

    [Fact]
    public async Task HangingMemberIsUnreachableWithinTheTimeout()
    {
        third.Mode = FakeServerMode.Hang;

        CliRun run = await Cli.RunAsync("status", "--json", "--timeout", "2s", "--address", Cli.At(leader.Address));

        Assert.True(run.ExitCode == 0, run.ToString());
        using JsonDocument document = JsonDocument.Parse(run.Stdout);
        JsonElement[] nodes = [.. document.RootElement.GetProperty("nodes").EnumerateArray()];
        Assert.Equal([true, true, false], nodes.Select(n => n.GetProperty("reachable").GetBoolean()));
        Assert.Contains("within 2s", nodes[2].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntryNodeThatIsNotARaftNodeExits6()
    {
        leader.Mode = FakeServerMode.Garbage;

        CliRun run = await Cli.RunAsync("status", "--address", Cli.At(leader.Address));

        Assert.Equal(ExitCodes.RequestFailed, run.ExitCode);
        Assert.Contains("unexpected response", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
