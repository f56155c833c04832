using Raft.Core.Storage;
using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class MustSyncTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Fact]
    public void LeaderReadyThatOnlyCommitsNeedsNoSync()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c[1].Readies.Clear();

        var proposed = c.Propose(1, "a");
        c.Stabilize();

        var readies = c[1].Readies;
        var append = Assert.Single(readies, r => r.Entries.Any(e => e.Index == proposed.FirstIndex));
        Assert.True(append.MustSync);

        var commit = Assert.Single(readies, r => r.HardState is { } hs && hs.Commit == proposed.FirstIndex);
        Assert.Empty(commit.Entries);
        Assert.Equal(c.Node(1).Term, commit.HardState!.Value.Term);
        Assert.False(commit.MustSync);
        Assert.Contains(commit.CommittedEntries, e => e.Index == proposed.FirstIndex);
    }

    [Fact]
    public void FollowerSyncsEntriesButNotACommitFromAHeartbeat()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c[2].Readies.Clear();

        var proposed = c.Propose(1, "a");
        c.Stabilize();
        c.Tick(1, TestOptions.HeartbeatInterval);
        c.Stabilize();

        var readies = c[2].Readies;
        Assert.All(readies.Where(r => r.Entries.Length > 0), r => Assert.True(r.MustSync));
        var commitOnly = Assert.Single(readies, r => r.Entries.Length == 0 && r.HardState is { } hs && hs.Commit == proposed.FirstIndex);
        Assert.False(commitOnly.MustSync);
        Assert.Equal(proposed.FirstIndex, c.Node(2).CommitIndex);
    }

    [Fact]
    public void NewTermWithoutVoteMustSync()
    {
        var store = new MemoryLogStore();
        var node = new RaftNode(new TestOptions().For(1, new ClusterConfiguration(Three)), store);

        // A message of a later term moves this node to that term: a term, like a vote, must never go back after a restart.
        node.Step(new Heartbeat(2, 1, 5, 0, 0));

        var rd = node.GetReady();
        Assert.Equal(5UL, rd.HardState!.Value.Term);
        Assert.True(rd.MustSync);
    }
}
