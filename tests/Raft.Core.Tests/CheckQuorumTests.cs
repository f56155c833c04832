using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class CheckQuorumTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Fact]
    public void LeaderStepsDownWhenNoQuorumAnswers()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.DropIf = m => m.To == 1; // followers hear the leader; the leader hears nothing

        var ticks = 0;
        while (c.Node(1).Role == RaftRole.Leader && ticks < 10 * TestOptions.ElectionTimeoutMin)
        {
            c.Tick(1);
            c.Stabilize();
            ticks++;
        }

        Assert.Equal(RaftRole.Follower, c.Node(1).Role);
        Assert.Equal(RaftNode.None, c.Node(1).LeaderId);
        Assert.Equal(1UL, c.Node(1).Term);
        Assert.InRange(ticks, TestOptions.ElectionTimeoutMin, 2 * TestOptions.ElectionTimeoutMin);
    }

    [Fact]
    public void LeaderWithAnsweringQuorumStaysLeader()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.Isolate(3); // one follower is enough

        c.Run(10 * TestOptions.ElectionTimeoutMax);

        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
        Assert.Equal(1UL, c.Node(1).Term);
    }

    [Fact]
    public void WithoutCheckQuorumLeaderDoesNotStepDown()
    {
        var c = new TestCluster(Three, new TestOptions { CheckQuorum = false });
        c.ElectLeader(1);
        c.DropIf = m => m.To == 1;

        for (var i = 0; i < 5 * TestOptions.ElectionTimeoutMax; i++)
        {
            c.Tick(1);
            c.Stabilize();
        }

        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
    }

    [Fact]
    public void FollowerInLeaseIgnoresHigherTermRequestVote()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        var mark = c.Sent.Count;

        // Node 3 (a disruptive node, say one that skipped PreVote) asks node 2 and the leader for a vote in a far higher term.
        c.Step(new RequestVote(3, 2, 5, 100, 5));
        c.Step(new RequestVote(3, 1, 5, 100, 5));

        Assert.Equal((1UL, 1UL), (c.Node(2).Term, c.Node(2).Vote));
        Assert.Equal(RaftRole.Follower, c.Node(2).Role);
        Assert.Equal(1UL, c.Node(2).LeaderId);
        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
        Assert.Equal(1UL, c.Node(1).Term);
        Assert.Empty(c.SentSince(mark));
    }

    [Fact]
    public void FollowerOutOfLeaseHonoursHigherTermRequestVote()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);

        // Node 2 stops hearing from the leader for an election timeout (and its own campaign messages are lost).
        c.Tick(2, TestOptions.ElectionTimeoutMin);
        c.DropPending();

        c.Step(new RequestVote(3, 2, 5, 100, 5));

        Assert.Equal((5UL, 3UL), (c.Node(2).Term, c.Node(2).Vote));
        Assert.Contains(c.Pending, m => m is RequestVoteResponse { From: 2, To: 3, Granted: true, Term: 5 });
    }
}
