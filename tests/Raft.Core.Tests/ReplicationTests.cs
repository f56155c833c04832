using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class ReplicationTests
{
    private static readonly ulong[] Three = [1, 2, 3];

    [Fact]
    public void ProposalIsReplicatedCommittedAndAppliedEverywhere()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);

        var result = c.Propose(1, "a", "b");
        c.Stabilize();

        Assert.Equal((2UL, 3UL, 1UL), (result.FirstIndex, result.LastIndex, result.Term));
        foreach (var id in c.Ids)
        {
            Assert.Equal(3UL, c.Node(id).CommitIndex);
            Assert.Equal([EntryType.Noop, EntryType.Command, EntryType.Command], c[id].Applied.Select(e => e.Type));
            Assert.Equal(["a", "b"], c[id].Applied.Skip(1).Select(TestCluster.Text));
            Assert.Equal([1UL, 1UL, 1UL], TestLog.TermsOf(c[id].Store));
        }
    }

    [Fact]
    public void FollowerConflictingUncommittedSuffixIsOverwritten()
    {
        // Node 3 holds two uncommitted entries of a deposed term-2 leader; nodes 1 and 2 hold index 2 of term 3.
        var c = new TestCluster(Three, storeOf: id => id == 3
            ? TestLog.Store(new HardState(3, 0, 1), 1, 2, 2)
            : TestLog.Store(new HardState(3, 0, 1), 1, 3));

        c.ElectLeader(1);
        c.Stabilize();

        Assert.Equal(4UL, c.Node(1).Term);
        Assert.Equal([1UL, 3UL, 4UL], TestLog.TermsOf(c[3].Store));
        Assert.Equal(3UL, c.Node(3).CommitIndex);
        Assert.Equal([1UL, 2UL, 3UL], c[3].Applied.Select(e => e.Index)); // the state machine starts empty: entry 1 is applied again
        Assert.Equal("2@3", TestCluster.Text(c[3].Applied[1]));
    }

    [Fact]
    public void FastBacktrackingSkipsAWholeStaleTermPerRoundTrip()
    {
        // Common prefix 1..5 (term 1). Node 3 has 50 stale entries of term 2 (6..55); nodes 1 and 2 have 55 entries of term 3 (6..60).
        var leaderLog = TestLog.Runs((1, 5), (3, 55));
        var staleLog = TestLog.Runs((1, 5), (2, 50));
        var c = new TestCluster(Three, storeOf: id => TestLog.Store(new HardState(3, 0, 5), id == 3 ? staleLog : leaderLog));

        c.ElectLeader(1);
        c.Stabilize();

        var rejections = c.Delivered.OfType<AppendEntriesResponse>().Count(m => m.From == 3 && !m.Success);
        Assert.InRange(rejections, 1, 2); // one per term to skip (here: "too short", then term 2), not one per entry
        Assert.Equal(TestLog.TermsOf(c[1].Store), TestLog.TermsOf(c[3].Store));
        Assert.Equal(61UL, c.Node(1).CommitIndex);
    }

    [Fact]
    public void FastBacktrackingUsesTheLeadersLastEntryOfTheConflictingTerm()
    {
        // Leader: 1..5 t1, 6..10 t2, 11..30 t3. Node 3: 1..5 t1, 6..55 t2 (the term-2 leader wrote more than it replicated).
        var leaderLog = TestLog.Runs((1, 5), (2, 5), (3, 20));
        var staleLog = TestLog.Runs((1, 5), (2, 50));
        var c = new TestCluster(Three, storeOf: id => TestLog.Store(new HardState(3, 0, 5), id == 3 ? staleLog : leaderLog));

        c.ElectLeader(1);
        c.Stabilize();

        var rejections = c.Delivered.OfType<AppendEntriesResponse>().Where(m => m.From == 3 && !m.Success).ToList();
        var rejection = Assert.Single(rejections);
        Assert.Equal((2UL, 6UL), (rejection.ConflictTerm, rejection.ConflictIndex));

        // The next probe goes straight to the leader's last term-2 entry (index 10), which matches.
        var retry = c.Delivered.OfType<AppendEntries>().Where(m => m.To == 3).ElementAt(1);
        Assert.Equal((10UL, 2UL), (retry.PrevLogIndex, retry.PrevLogTerm));
        Assert.Equal(TestLog.TermsOf(c[1].Store), TestLog.TermsOf(c[3].Store));
    }

    [Fact]
    public void StaleShorterAppendEntriesDoesNotTruncateMatchingEntries()
    {
        var c = new TestCluster(Three);
        var entries = TestLog.Entries(1, 1, 1);

        c.Step(new AppendEntries(1, 2, 1, 0, 0, entries, 0));
        c.Step(new AppendEntries(1, 2, 1, 0, 0, entries[..1], 0)); // delayed older message: only entry 1
        c.Step(new AppendEntries(1, 2, 1, 1, 1, entries[1..2], 0)); // duplicate of a middle message
        c.Step(new AppendEntries(1, 2, 1, 2, 1, [], 0)); // stale heartbeat-like append

        Assert.Equal(3UL, c.Node(2).LastIndex);
        Assert.Equal([1UL, 1UL, 1UL], TestLog.TermsOf(c[2].Store));
        var responses = c.Pending.OfType<AppendEntriesResponse>().ToList();
        Assert.All(responses, m => Assert.True(m.Success));
        Assert.Equal([3UL, 1UL, 2UL, 2UL], responses.Select(m => m.Index));
    }

    [Fact]
    public void ReorderedAppendEntriesFromTheLeaderKeepTheLaterEntries()
    {
        var c = new TestCluster(Three, new TestOptions { MaxAppendEntriesBytes = 1 });
        c.ElectLeader(1);

        c.Propose(1, "a", "b", "c");
        var toTwo = c.Pending.OfType<AppendEntries>().Where(m => m.To == 2).ToList();
        Assert.Equal(3, toTwo.Count);

        // Deliver newest-first is impossible (gaps are rejected), so deliver in order and then replay the first twice.
        c.Deliver(m => m.To == 2);
        c.Step(toTwo[0]);
        c.Step(toTwo[0]);

        Assert.Equal(4UL, c.Node(2).LastIndex);
        Assert.Equal([1UL, 1UL, 1UL, 1UL], TestLog.TermsOf(c[2].Store));
        c.Stabilize();
        Assert.Equal(4UL, c.Node(1).CommitIndex);
    }

    [Fact]
    public void FollowerRejectsAppendEntriesThatDoNotContinueItsLog()
    {
        var c = new TestCluster(Three);
        c.Step(new AppendEntries(1, 2, 1, 0, 0, TestLog.Entries(1), 0));

        c.Step(new AppendEntries(1, 2, 1, 5, 1, TestLog.EntriesFrom(6, 1), 0));

        var rejection = Assert.IsType<AppendEntriesResponse>(c.Pending[^1]);
        Assert.False(rejection.Success);
        Assert.Equal((5UL, 0UL, 2UL), (rejection.Index, rejection.ConflictTerm, rejection.ConflictIndex));
        Assert.Equal(1UL, c.Node(2).LastIndex);
    }

    [Fact]
    public void LostAppendEntriesAreRecoveredByHeartbeatsInAnIdleCluster()
    {
        var c = new TestCluster(Three);
        c.ElectLeader(1);

        var result = c.Propose(1, "x");
        Assert.Equal(2, c.DropPending(m => m is AppendEntries)); // both copies lost; then nobody proposes anything

        c.Run(5 * TestOptions.ElectionTimeoutMax);

        Assert.Equal(RaftRole.Leader, c.Node(1).Role);
        Assert.True(c.Node(1).CommitIndex >= result.LastIndex,
            $"entry {result.LastIndex} never committed: leader commit {c.Node(1).CommitIndex}, follower last indexes {c.Node(2).LastIndex}/{c.Node(3).LastIndex}");
        Assert.All(c.Ids, id => Assert.Equal(result.LastIndex, c.Node(id).LastIndex));
    }

    [Fact]
    public void FollowerWhosePausedWindowReopensLearnsCommitIndexWithoutWaitingForHeartbeat()
    {
        // After an election both followers are probed; the first answer commits the no-op while the second follower's
        // probe is still outstanding (paused), so the commit broadcast skips it. Its own answer reopens the window:
        // the leader should then tell it the commit index (etcd: "if we were paused before, this node may be missing
        // the latest commit index, so send it"), without waiting for the next heartbeat. No tick happens here.
        var c = new TestCluster(Three);
        c.ElectLeader(1);
        c.Stabilize();

        Assert.Equal(1UL, c.Node(1).CommitIndex);
        Assert.All(c.Ids, id => Assert.Equal(1UL, c.Node(id).CommitIndex));
    }
}
