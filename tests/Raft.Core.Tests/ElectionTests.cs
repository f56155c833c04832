using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class ElectionTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void FirstNodeToTimeOutWinsTermOne(int seed)
    {
        var c = new TestCluster(Three, new TestOptions { Seed = seed });

        ulong first = 0;
        for (var tick = 0; tick < 100 && first == 0; tick++)
        {
            c.TickAll();
            var campaigning = c.Ids.Where(id => c.Node(id).Role != RaftRole.Follower).ToList();
            if (campaigning.Count > 0)
            {
                first = Assert.Single(campaigning);
            }
        }

        Assert.NotEqual(0UL, first);
        c.Stabilize();
        Assert.Equal(1UL, c.Node(first).CommitIndex); // the leader's no-op
        c.Tick(first, TestOptions.HeartbeatInterval); // followers whose window was paused learn the commit index here
        c.Stabilize();

        Assert.Equal(RaftRole.Leader, c.Node(first).Role);
        foreach (var id in c.Ids)
        {
            Assert.Equal(1UL, c.Node(id).Term);
            Assert.Equal(first, c.Node(id).LeaderId);
            Assert.Equal(first, c.Node(id).Vote);
            Assert.Equal(id == first ? RaftRole.Leader : RaftRole.Follower, c.Node(id).Role);
            Assert.Equal(1UL, c.Node(id).CommitIndex);
        }
    }

    [Fact]
    public void PreCandidateDoesNotBumpItsTermOrVote()
    {
        var c = new TestCluster(Three);

        c.TickUntil(1, n => n.Role == RaftRole.PreCandidate);

        Assert.Equal(0UL, c.Node(1).Term);
        Assert.Equal(0UL, c.Node(1).Vote);
        Assert.All(c[1].Readies, r => Assert.True(r.HardState is null || r.HardState.Value.Term == 0));
        var preVotes = c.Pending.OfType<PreVote>().ToList();
        Assert.Equal([2UL, 3UL], preVotes.Select(m => m.To).Order());
        Assert.All(preVotes, m => Assert.Equal(1UL, m.Term)); // the term it would campaign in
        Assert.DoesNotContain(c.Pending, m => m is RequestVote);

        // Nobody answers, for many election timeouts: the term never moves.
        for (var i = 0; i < 100; i++)
        {
            c.DropPending();
            c.Tick(1);
        }

        Assert.Equal(0UL, c.Node(1).Term);
        Assert.Equal(RaftRole.PreCandidate, c.Node(1).Role);
        Assert.All(c.Ids, id => Assert.Equal(0UL, c.Node(id).Term));
    }

    [Fact]
    public void WithoutPreVoteCandidateBumpsTermAtOnce()
    {
        var c = new TestCluster(Three, new TestOptions { PreVote = false });

        c.TickUntil(1, n => n.Role != RaftRole.Follower);

        Assert.Equal(RaftRole.Candidate, c.Node(1).Role);
        Assert.Equal((1UL, 1UL), (c.Node(1).Term, c.Node(1).Vote));
        Assert.All(c.Pending, m => Assert.IsType<RequestVote>(m));
    }

    [Fact]
    public void PreVoteWinnerBecomesCandidateThenLeader()
    {
        var c = new TestCluster(Three);
        c.TickUntil(1, n => n.Role == RaftRole.PreCandidate);

        c.Deliver(m => m is PreVote);
        Assert.All(c.Pending, m => Assert.True(m is PreVoteResponse { Granted: true, Term: 1 }));
        Assert.Equal(0UL, c.Node(2).Term); // granting a pre-vote changes nothing
        Assert.Equal(0UL, c.Node(2).Vote);

        c.Deliver(m => m is PreVoteResponse);
        Assert.Equal(RaftRole.Candidate, c.Node(1).Role);
        Assert.Equal(1UL, c.Node(1).Term);

        c.Stabilize();
        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
    }

    [Fact]
    public void PartitionedNodeRejoiningDoesNotDisruptStableLeader()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);

        c.Isolate(3);
        c.Run(100);
        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
        Assert.Equal(1UL, c.Node(3).Term); // it campaigned (pre-vote) many times without bumping its term
        Assert.True(c.SentSince(0).OfType<PreVote>().Count(m => m.From == 3) > 2, "node 3 should have tried to campaign");

        c.Heal();
        c.Run(100);

        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
        Assert.All(c.Ids, id => Assert.Equal(1UL, c.Node(id).Term));
        Assert.Equal(RaftRole.Follower, c.Node(3).Role);
        Assert.Equal(1UL, c.Node(3).LeaderId);
    }

    [Fact]
    public void IsolatedLeaderIsReplacedInHigherTermAndStepsDownOnRejoin()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.Propose(1, "a");
        c.Stabilize();

        c.Isolate(1);
        for (var i = 0; i < 100 && c.Node(2).Role != RaftRole.Leader && c.Node(3).Role != RaftRole.Leader; i++)
        {
            c.Run(1);
        }

        var newLeader = c.Node(2).Role == RaftRole.Leader ? 2UL : 3UL;
        Assert.Equal(RaftRole.Leader, c.Node(newLeader).Role);
        Assert.Equal(2UL, c.Node(newLeader).Term);

        c.Heal();
        c.Run(10);

        Assert.Equal(RaftRole.Follower, c.Node(1).Role);
        Assert.Equal(newLeader, c.Node(1).LeaderId);
        Assert.All(c.Ids, id => Assert.Equal(2UL, c.Node(id).Term));
        Assert.All(c.Ids, id => Assert.Equal(c.Node(newLeader).CommitIndex, c.Node(id).CommitIndex));
    }
}
