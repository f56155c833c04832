using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class ProposeTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Fact]
    public void FollowerRefusesProposalWithLeaderHint()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);

        var result = c.Propose(2, "x");

        Assert.Equal(ProposeStatus.NotLeader, result.Status);
        Assert.False(result.IsAccepted);
        Assert.Equal((1UL, 1UL), (result.LeaderHint, result.Term));
        Assert.Equal(1UL, c.Node(2).LastIndex); // nothing appended
        Assert.Empty(c.Pending);
    }

    [Fact]
    public void NodeWithoutLeaderRefusesProposalWithoutHint()
    {
        var c = new TestCluster(Three);
        c.TickUntil(1, n => n.Role == RaftRole.PreCandidate);

        Assert.Equal(new ProposeResult(ProposeStatus.NotLeader, 0, 0, 0, RaftNode.None), c.Propose(1, "x"));
        Assert.Equal(new ProposeResult(ProposeStatus.NotLeader, 0, 0, 0, RaftNode.None), c.Propose(2, "x"));
    }

    [Fact]
    public void LeaderIsOverloadedBeyondMaxUncommittedBytesUntilEntriesApply()
    {
        var c = new TestCluster(Three, new TestOptions { MaxUncommittedBytes = 100 });
        c.ElectLeader(1);

        var big = c.Propose(1, new string('x', 80)); // 104 bytes counted: one proposal is always let through
        Assert.Equal(ProposeStatus.Accepted, big.Status);

        var refused = c.Propose(1, "y");
        Assert.Equal(ProposeStatus.Overloaded, refused.Status);
        Assert.Equal(1UL, refused.LeaderHint);
        Assert.Equal(big.LastIndex, c.Node(1).LastIndex);

        c.Stabilize(); // committed and applied: the budget is free again
        var accepted = c.Propose(1, "y");
        Assert.Equal(ProposeStatus.Accepted, accepted.Status);
        Assert.Equal(big.LastIndex + 1, accepted.FirstIndex);
    }

    [Fact]
    public void NoLimitWhenMaxUncommittedBytesIsZero()
    {
        var c = new TestCluster(Three, new TestOptions { MaxUncommittedBytes = 0 });
        c.ElectLeader(1);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(ProposeStatus.Accepted, c.Propose(1, new string('x', 1000)).Status);
        }
    }
}
