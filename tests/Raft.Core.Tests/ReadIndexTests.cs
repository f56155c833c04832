using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class ReadIndexTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    private static bool IsVoteTraffic(Message m) => m is PreVote or PreVoteResponse or RequestVote or RequestVoteResponse;

    [Fact]
    public void LeaderReleasesReadOnlyAfterQuorumAcknowledgesHeartbeat()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.Propose(1, "a");
        c.Stabilize();
        var commit = c.Node(1).CommitIndex;

        Assert.True(c.ReadIndex(1, 42));
        Assert.Empty(c[1].ReadStates);
        Assert.Equal(2, c.Pending.OfType<Heartbeat>().Count());

        c.DropIf = m => m is HeartbeatResponse;
        c.Stabilize();
        Assert.Empty(c[1].ReadStates); // the followers got the heartbeats, but the leader never heard back

        c.DropIf = null;
        c.TickUntil(1, _ => c.Pending.OfType<Heartbeat>().Any());
        c.Deliver(m => m is Heartbeat { To: 2 });
        c.Deliver(m => m is HeartbeatResponse);
        Assert.Equal([new ReadState(42, commit)], c[1].ReadStates); // the leader and one follower are a quorum
    }

    [Fact]
    public void AcknowledgementsOfHeartbeatSentBeforeTheReadDoNotConfirmIt()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.TickUntil(1, _ => c.Pending.OfType<Heartbeat>().Any());
        var oldRound = c.Pending.OfType<Heartbeat>().First().ReadRound;

        Assert.True(c.ReadIndex(1, 7));
        var newRound = c.Pending.OfType<Heartbeat>().Max(m => m.ReadRound);
        Assert.True(newRound > oldRound);

        c.Deliver(m => m is Heartbeat h && h.ReadRound == oldRound);
        c.Deliver(m => m is HeartbeatResponse);
        Assert.Empty(c[1].ReadStates);

        c.Stabilize();
        Assert.Equal([new ReadState(7, 1)], c[1].ReadStates);
    }

    [Fact]
    public void NewLeaderDefersReadUntilItCommitsAnEntryOfItsTerm()
    {
        // Entries 1..2 of term 1 are on every node, entry 2 is not known to be committed by anyone.
        var c = new TestCluster(Three, storeOf: _ => TestLog.Store(new HardState(1, 0, 1), 1, 1));
        c.TickUntil(1, n => n.Role == RaftRole.PreCandidate);
        c.Stabilize(IsVoteTraffic);
        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
        Assert.Equal(1UL, c.Node(1).CommitIndex);

        Assert.True(c.ReadIndex(1, 5));
        c.Tick(1, TestOptions.HeartbeatInterval);
        c.Stabilize(m => m is Heartbeat or HeartbeatResponse); // heartbeats answered, but no entry of term 2 committed yet
        Assert.Empty(c[1].ReadStates);
        Assert.Equal(1UL, c.Node(1).CommitIndex);

        c.Stabilize();
        var read = Assert.Single(c[1].ReadStates);
        Assert.Equal(5UL, read.Context);
        Assert.Equal(3UL, read.Index); // at least the new term's no-op, never the stale commit index 1
    }

    [Fact]
    public void FollowerReadIndexIsForwardedToLeaderAndReturnsLeadersCommitIndex()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.Propose(1, "a", "b");
        c.Stabilize();
        var leaderCommit = c.Node(1).CommitIndex;

        Assert.True(c.ReadIndex(2, 99));
        var request = Assert.Single(c.Pending);
        Assert.IsType<ReadIndexRequest>(request);
        Assert.Equal((2UL, 1UL), (request.From, request.To));

        c.Stabilize();

        Assert.Equal([new ReadState(99, leaderCommit)], c[2].ReadStates);
        Assert.Empty(c[1].ReadStates);
    }

    [Fact]
    public void FollowerWithoutLeaderCannotStartRead()
    {
        var c = new TestCluster(Three);

        Assert.False(c.ReadIndex(2, 1));
        Assert.Empty(c.Pending);
    }
}
