using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class SingleNodeTests
{
    [Fact]
    public void ElectsItselfAfterElectionTimeoutAndCommitsProposal()
    {
        var c = new TestCluster([1]);

        c.Tick(1, TestOptions.ElectionTimeoutMin - 1);
        Assert.Equal(RaftRole.Follower, c.Node(1).Role);

        c.TickUntil(1, n => n.Role == RaftRole.Leader, maxTicks: TestOptions.ElectionTimeoutMax);
        Assert.Equal(1UL, c.Node(1).Term);
        Assert.Equal(1UL, c.Node(1).LeaderId);
        Assert.Empty(c.Pending);

        // The leader's first entry is the no-op of its term, committed without any peer.
        var noop = Assert.Single(c[1].Applied);
        Assert.Equal(1UL, noop.Index);
        Assert.Equal(EntryType.Noop, noop.Type);
        Assert.Equal(1UL, noop.Term);

        var result = c.Propose(1, "x");
        Assert.Equal(ProposeStatus.Accepted, result.Status);
        Assert.Equal((2UL, 2UL, 1UL, 1UL), (result.FirstIndex, result.LastIndex, result.Term, result.LeaderHint));

        Assert.Equal(2UL, c.Node(1).CommitIndex);
        Assert.Equal(2UL, c.Node(1).AppliedIndex);
        Assert.Equal([1UL, 2UL], c[1].Applied.Select(e => e.Index));
        Assert.Equal("x", TestCluster.Text(c[1].Applied[1]));
        Assert.Equal(EntryType.Command, c[1].Applied[1].Type);
        Assert.Equal(new HardState(1, 1, 2), c[1].Store.HardState);
    }

    [Fact]
    public void BatchProposalGetsConsecutiveIndexes()
    {
        var c = new TestCluster([1]);
        c.TickUntil(1, n => n.Role == RaftRole.Leader);

        var result = c.Propose(1, "a", "b", "c");

        Assert.Equal((2UL, 4UL), (result.FirstIndex, result.LastIndex));
        Assert.Equal(["a", "b", "c"], c[1].Applied.Skip(1).Select(TestCluster.Text));
        Assert.Equal(4UL, c.Node(1).CommitIndex);
    }

    [Fact]
    public void ReadIndexIsConfirmedByItself()
    {
        var c = new TestCluster([1]);
        c.TickUntil(1, n => n.Role == RaftRole.Leader);
        c.Propose(1, "x");

        Assert.True(c.ReadIndex(1, 77));

        Assert.Equal([new ReadState(77, 2)], c[1].ReadStates);
    }
}
