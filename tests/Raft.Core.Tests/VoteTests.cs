using Raft.Core.Storage;
using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class VoteTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Fact]
    public void GrantsAtMostOneVotePerTerm()
    {
        var c = new TestCluster(Three);

        c.Step(new RequestVote(2, 1, 1, 0, 0));
        c.Step(new RequestVote(3, 1, 1, 0, 0));
        c.Step(new RequestVote(2, 1, 1, 0, 0)); // a retransmission from the one it voted for is granted again

        var answers = c.Pending.OfType<RequestVoteResponse>().Select(m => (m.To, m.Granted)).ToList();
        Assert.Equal([(2UL, true), (3UL, false), (2UL, true)], answers);
        Assert.Equal((1UL, 2UL), (c.Node(1).Term, c.Node(1).Vote));

        // A new term frees the vote.
        c.Step(new RequestVote(3, 1, 2, 0, 0));
        Assert.Contains(c.Pending, m => m is RequestVoteResponse { To: 3, Granted: true, Term: 2 });
        Assert.Equal((2UL, 3UL), (c.Node(1).Term, c.Node(1).Vote));
    }

    [Fact]
    public void CandidateDoesNotVoteForAnotherCandidateOfItsTerm()
    {
        var c = new TestCluster(Three, new TestOptions { PreVote = false });
        c.TickUntil(1, n => n.Role == RaftRole.Candidate);
        c.DropPending();

        c.Step(new RequestVote(2, 1, 1, 0, 0));

        Assert.Contains(c.Pending, m => m is RequestVoteResponse { To: 2, Granted: false });
        Assert.Equal(1UL, c.Node(1).Vote);
    }

    [Fact]
    public void RefusesCandidateWithLowerLastTerm()
    {
        // Node 1 holds [t1, t2, t2].
        var c = new TestCluster(Three, storeOf: id => id == 1 ? TestLog.Store(new HardState(2, 0, 0), 1, 2, 2) : new());

        c.Step(new RequestVote(2, 1, 3, 10, 1)); // longer log, but its last term is older

        Assert.Contains(c.Pending, m => m is RequestVoteResponse { To: 2, Granted: false, Term: 3 });
        Assert.Equal((3UL, 0UL), (c.Node(1).Term, c.Node(1).Vote)); // the term is adopted, the vote is not given
    }

    [Fact]
    public void RefusesCandidateWithSameLastTermButShorterLog()
    {
        var c = new TestCluster(Three, storeOf: id => id == 1 ? TestLog.Store(new HardState(2, 0, 0), 1, 2, 2) : new());

        c.Step(new RequestVote(2, 1, 3, 2, 2));
        Assert.Contains(c.Pending, m => m is RequestVoteResponse { To: 2, Granted: false });
        Assert.Equal(0UL, c.Node(1).Vote);

        // The same last term and an equally long log is up to date.
        c.Step(new RequestVote(3, 1, 3, 3, 2));
        Assert.Contains(c.Pending, m => m is RequestVoteResponse { To: 3, Granted: true });
        Assert.Equal(3UL, c.Node(1).Vote);
    }

    [Fact]
    public void PreVoteIsRefusedForLessUpToDateLog()
    {
        var c = new TestCluster(Three, storeOf: id => id == 1 ? TestLog.Store(new HardState(2, 0, 0), 1, 2, 2) : new());

        c.Step(new PreVote(2, 1, 3, 5, 1));
        c.Step(new PreVote(3, 1, 3, 3, 2));

        Assert.Contains(c.Pending, m => m is PreVoteResponse { To: 2, Granted: false });
        Assert.Contains(c.Pending, m => m is PreVoteResponse { To: 3, Granted: true, Term: 3 });
        Assert.Equal((2UL, 0UL), (c.Node(1).Term, c.Node(1).Vote)); // pre-votes change no state
    }

    [Fact]
    public void VoteIsInTheHardStateOfTheReadyThatCarriesTheGrant()
    {
        var store = new MemoryLogStore();
        var node = new RaftNode(new TestOptions().For(1, new ClusterConfiguration(Three)), store);

        node.Step(new RequestVote(2, 1, 1, 0, 0));

        Assert.True(node.HasReady());
        var rd = node.GetReady();
        Assert.Equal(new HardState(1, 2, 0), rd.HardState);
        Assert.True(rd.MustPersist);
        Assert.True(rd.MustSync); // the grant promises the vote: it must be durable before it is sent
        Assert.Contains(rd.Messages, m => m is RequestVoteResponse { To: 2, Granted: true });
        Assert.Equal(new HardState(0, 0, 0), store.HardState); // the driver persists it; the node does not write itself
        store.Save(rd.HardState, rd.Entries);
        node.Advance();
        Assert.False(node.HasReady());
    }

    [Fact]
    public void CandidateSelfVoteIsInTheHardStateOfTheReadyThatCarriesItsRequests()
    {
        var c = new TestCluster(Three, new TestOptions { PreVote = false });

        c.TickUntil(1, n => n.Role == RaftRole.Candidate);

        var rd = Assert.Single(c[1].Readies, r => r.Messages.Any(m => m is RequestVote));
        Assert.Equal(new HardState(1, 1, 0), rd.HardState);
    }
}
