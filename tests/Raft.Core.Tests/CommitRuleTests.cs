using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

/// <summary>Raft paper, Figure 8 and section 5.4.2.</summary>
public sealed class CommitRuleTests
{
    [Fact]
    public void EntryOfEarlierTermIsNotCommittedByCountingReplicas()
    {
        // Node 1 led term 2 and appended index 2 alone; it is now about to lead term 4. Entry 1 is committed.
        var c = new TestCluster([1, 2, 3], new TestOptions { MaxAppendEntriesBytes = 1 }, id => id == 1
            ? TestLog.Store(new HardState(3, 0, 1), 1, 2)
            : TestLog.Store(new HardState(3, 0, 1), 1));

        c.TickUntil(1, n => n.Role == RaftRole.PreCandidate);
        c.Stabilize(m => m is PreVote or PreVoteResponse or RequestVote or RequestVoteResponse);
        Assert.Equal((RaftRole.Leader, 4UL), (c.Node(1).Role, c.Node(1).Term));

        c.Deliver(m => m is AppendEntries); // probes after index 2 are rejected (followers end at 1)
        c.Deliver(m => m is AppendEntriesResponse); // the leader backs up and sends index 2 alone (one entry per message)
        c.Deliver(m => m is AppendEntries);
        c.Deliver(m => m is AppendEntriesResponse);

        // Every node now holds the term-2 entry at index 2, yet it must not be committed: it is not of the leader's term.
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            Assert.True(c.Node(id).TryGetTerm(2, out var term) && term == 2);
        }

        Assert.True(c.Node(1).TryGetProgress(2, out var match2, out _, out _) && match2 == 2);
        Assert.True(c.Node(1).TryGetProgress(3, out var match3, out _, out _) && match3 == 2);
        Assert.Equal(1UL, c.Node(1).CommitIndex);
        Assert.Equal(1UL, c[1].Store.HardState.Commit);
        Assert.All(c.Pending.OfType<AppendEntries>(), m => Assert.Equal(1UL, m.LeaderCommit));

        // Once the leader's own no-op (index 3, term 4) reaches a quorum, both commit together.
        c.Stabilize();
        Assert.Equal(3UL, c.Node(1).CommitIndex);
        Assert.Equal([(1UL, 1UL), (2UL, 2UL), (3UL, 4UL)], c[1].Applied.Select(e => (e.Index, e.Term)));
        c.Tick(1, TestOptions.HeartbeatInterval);
        c.Stabilize();
        Assert.All(c.Ids, id => Assert.Equal(3UL, c.Node(id).CommitIndex));
    }

    [Fact]
    public void LeaderCountsItselfOnlyForPersistedEntries()
    {
        var c = new TestCluster([1, 2, 3]);
        c.ElectLeader(1);

        // Propose but do not let the leader's driver persist yet: one follower acknowledgement is not a quorum.
        var result = c.Node(1).Propose(TestCluster.Bytes("x"));
        var rd = c.Node(1).GetReady();
        Assert.Equal(result.LastIndex, Assert.Single(rd.Entries.ToArray()).Index);
        var appends = rd.Messages.OfType<AppendEntries>().ToList();
        Assert.Equal(1UL, c.Node(1).CommitIndex); // nothing new committed before the write
        Assert.True(rd.CommittedEntries.IsEmpty);
        c[1].Store.Save(rd.HardState, rd.Entries);
        c.Node(1).Advance();
        c.Drain(1);

        foreach (var append in appends)
        {
            c.Step(append);
        }

        c.Stabilize();
        Assert.Equal(result.LastIndex, c.Node(1).CommitIndex);
    }
}
