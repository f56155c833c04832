using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class RestartTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Fact]
    public void RestartRestoresTermVoteCommitAndLog()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.Propose(1, "a", "b");
        c.Stabilize();
        c.Tick(1, TestOptions.HeartbeatInterval);
        c.Stabilize();

        foreach (var id in c.Ids)
        {
            var before = (c.Node(id).Term, c.Node(id).Vote, c.Node(id).CommitIndex, c.Node(id).LastIndex, c.Node(id).LastTerm);
            Assert.Equal((1UL, 1UL, 3UL, 3UL, 1UL), before);

            c[id].Restart();

            var node = c.Node(id);
            Assert.Equal(before, (node.Term, node.Vote, node.CommitIndex, node.LastIndex, node.LastTerm));
            Assert.Equal(RaftRole.Follower, node.Role);
            Assert.Equal(RaftNode.None, node.LeaderId);
        }

        // The restarted state machines are given the committed entries again, and the cluster goes on in a new term.
        c.DrainAll();
        Assert.All(c.Ids, id => Assert.Equal(["a", "b"], c[id].Applied.Skip(1).Select(TestCluster.Text)));
        c.ElectLeader(2);
        Assert.Equal(2UL, c.Node(2).Term);
        Assert.Equal(4UL, c.Node(2).CommitIndex);
    }

    [Fact]
    public void NodeRestartedMidElectionDoesNotVoteTwiceInATerm()
    {
        var c = new TestCluster(Three, new TestOptions { PreVote = false });

        c.Step(new RequestVote(1, 2, 1, 0, 0));
        Assert.Contains(c.Pending, m => m is RequestVoteResponse { From: 2, To: 1, Granted: true });
        Assert.Equal(new HardState(1, 1, 0), c[2].Store.HardState);

        c[2].Restart();
        Assert.Equal((1UL, 1UL), (c.Node(2).Term, c.Node(2).Vote));

        c.DropPending();
        c.Step(new RequestVote(3, 2, 1, 0, 0));
        c.Step(new RequestVote(1, 2, 1, 0, 0));

        var answers = c.Pending.OfType<RequestVoteResponse>().Select(m => (m.To, m.Granted)).ToList();
        Assert.Equal([(3UL, false), (1UL, true)], answers);
    }

    [Fact]
    public void CandidateRestartedInItsTermDoesNotVoteForAnother()
    {
        var c = new TestCluster(Three, new TestOptions { PreVote = false });
        c.TickUntil(1, n => n.Role == RaftRole.Candidate);
        c.DropPending();

        c[1].Restart();
        c.Step(new RequestVote(2, 1, 1, 0, 0));

        Assert.Equal((1UL, 1UL), (c.Node(1).Term, c.Node(1).Vote));
        Assert.Contains(c.Pending, m => m is RequestVoteResponse { To: 2, Granted: false });
    }
}
