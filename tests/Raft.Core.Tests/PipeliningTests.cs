using Raft.Core.Messages;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class PipeliningTests
{
    [Fact]
    public void LeaderPipelinesUpToTheInflightLimitThenPausesUntilAcknowledged()
    {
        var c = new TestCluster([1, 2, 3], new TestOptions { MaxInflightMessages = 3, MaxAppendEntriesBytes = 1 });
        c.ElectLeader(1);
        Assert.True(c.Node(1).TryGetProgress(2, out _, out _, out var state) && state == ProgressState.Replicate);

        // Five entries, one per message (byte limit): only three messages may be in flight to each follower.
        c.Propose(1, "a", "b", "c", "d", "e");
        var toTwo = c.Pending.OfType<AppendEntries>().Where(m => m.To == 2).ToList();
        Assert.Equal(3, toTwo.Count);
        Assert.Equal([2UL, 3UL, 4UL], toTwo.Select(m => Assert.Single(m.Entries).Index));
        Assert.Equal([1UL, 2UL, 3UL], toTwo.Select(m => m.PrevLogIndex));

        // Paused: more proposals send nothing to this follower.
        var mark = c.Sent.Count;
        c.Propose(1, "f");
        Assert.DoesNotContain(c.SentSince(mark), m => m is AppendEntries { To: 2 });

        // One acknowledgement frees one slot: exactly one more message, continuing where the pipeline left off.
        mark = c.Sent.Count;
        c.Deliver(m => m == toTwo[0]);
        c.Deliver(m => m is AppendEntriesResponse { From: 2 });
        var resumed = c.SentSince(mark).OfType<AppendEntries>().Where(m => m.To == 2 && m.Entries.Length > 0).ToList();
        var next = Assert.Single(resumed);
        Assert.Equal(5UL, Assert.Single(next.Entries).Index);
        Assert.DoesNotContain(c.SentSince(mark), m => m is AppendEntries { To: 3, Entries.Length: > 0 });

        c.Stabilize();
        Assert.Equal(7UL, c.Node(1).CommitIndex);
        Assert.All(c.Ids, id => Assert.Equal(7UL, c.Node(id).LastIndex));
    }

    [Fact]
    public void ProbeStateSendsOneMessageAtATime()
    {
        var c = new TestCluster([1, 2, 3], new TestOptions { MaxAppendEntriesBytes = 1 });
        c.Isolate(3);
        c.ElectLeader(1);
        Assert.True(c.Node(1).TryGetProgress(3, out _, out _, out var state) && state == ProgressState.Probe);

        var mark = c.Sent.Count;
        c.Propose(1, "a");
        c.Propose(1, "b");
        c.Propose(1, "c");

        Assert.DoesNotContain(c.SentSince(mark), m => m.To == 3); // the first probe is still unanswered
        Assert.Equal(3, c.SentSince(mark).Count(m => m is AppendEntries { To: 2 }));
    }
}
