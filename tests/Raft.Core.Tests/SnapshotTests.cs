using Raft.Core.Messages;
using Raft.Core.Storage;
using Raft.Core.Tests.Harness;

namespace Raft.Core.Tests;

public sealed class SnapshotTests
{
    [Fact]
    public void LaggingFollowerReceivesSnapshotThenCatchesUp()
    {
        var c = new TestCluster([1, 2, 3]);
        c.Isolate(3);
        c.ElectLeader(1);
        for (var i = 1; i <= 10; i++)
        {
            c.Propose(1, $"v{i}");
        }

        c.Stabilize();
        Assert.Equal(11UL, c.Node(1).CommitIndex);

        // The leader's state machine takes a snapshot at 8 and the log is compacted.
        var leaderStore = c[1].Store;
        var snapshotTerm = leaderStore.Term(8);
        byte[] image = [1, 2, 3, 4];
        leaderStore.SaveSnapshot(new Snapshot(new SnapshotMetadata(8, snapshotTerm, c.Configuration), new MemorySnapshotSource(image)));
        leaderStore.Compact(8);
        Assert.Equal(9UL, c.Node(1).FirstIndex);

        c.Heal();
        c.TickUntil(1, _ => c.Pending.OfType<Heartbeat>().Any());
        c.Stabilize();

        var install = Assert.Single(c.Delivered.OfType<InstallSnapshot>());
        Assert.Equal(3UL, install.To);
        var ready = Assert.Single(c[3].Readies, r => r.Snapshot is not null);
        Assert.Equal(8UL, ready.Snapshot!.Metadata.Index);
        Assert.Empty(ready.CommittedEntries);
        var installed = Assert.Single(c[3].InstalledSnapshots);
        Assert.Equal((8UL, snapshotTerm), (installed.Metadata.Index, installed.Metadata.Term));
        Assert.Equal(image, ((MemorySnapshotSource)installed.Source).Data.ToArray());

        // After the snapshot only the entries past it arrive, and they are applied on top of it.
        Assert.Equal(8UL, c[3].Store.SnapshotMetadata.Index);
        Assert.Equal(9UL, c[3].Store.FirstIndex);
        Assert.Equal(11UL, c.Node(3).LastIndex);
        Assert.Equal([9UL, 10UL, 11UL], c[3].Applied.Select(e => e.Index));
        Assert.Equal(["v8", "v9", "v10"], c[3].Applied.Select(TestCluster.Text));
        Assert.DoesNotContain(c.Delivered.OfType<AppendEntries>(), m => m.To == 3 && m.Entries.Any(e => e.Index <= 8));
        Assert.True(c.Node(1).TryGetProgress(3, out var match, out _, out var state));
        Assert.Equal((11UL, ProgressState.Replicate), (match, state));

        // And it keeps up with new entries.
        c.Propose(1, "v11");
        c.Stabilize();
        Assert.Equal("v11", TestCluster.Text(c[3].Applied[^1]));
    }

    [Fact]
    public void SnapshotIsPersistedBeforeItsAcknowledgementIsSent()
    {
        var c = new TestCluster([1, 2, 3]);
        var snapshot = new Snapshot(new SnapshotMetadata(5, 2, c.Configuration), new MemorySnapshotSource(new byte[] { 9 }));

        c.Step(new InstallSnapshot(1, 3, 2, snapshot));

        var ready = Assert.Single(c[3].Readies);
        Assert.Same(snapshot, ready.Snapshot);
        Assert.Equal(new HardState(2, 0, 5), ready.HardState);
        Assert.Contains(ready.Messages, m => m is AppendEntriesResponse { Success: true, Index: 5 });
        Assert.Equal(5UL, c.Node(3).CommitIndex);
        Assert.Equal(5UL, c.Node(3).AppliedIndex);
        Assert.Equal(5UL, c[3].Store.LastIndex);
    }

    [Fact]
    public void LostSnapshotIsSentAgainAfterAnElectionTimeout()
    {
        var c = new TestCluster([1, 2, 3]);
        c.Isolate(3);
        c.ElectLeader(1);
        c.Propose(1, "a", "b", "c");
        c.Stabilize();
        var leaderStore = c[1].Store;
        leaderStore.SaveSnapshot(new Snapshot(new SnapshotMetadata(3, 1, c.Configuration), new MemorySnapshotSource(new byte[] { 7 })));
        leaderStore.Compact(3);
        c.Heal();

        c.DropIf = m => m is InstallSnapshot;
        c.TickUntil(1, _ => c.Pending.OfType<Heartbeat>().Any());
        c.Stabilize();
        Assert.Single(c.Sent.OfType<InstallSnapshot>());
        Assert.True(c.Node(1).TryGetProgress(3, out _, out _, out var state) && state == ProgressState.Snapshot);

        // While the snapshot is presumed in flight, nothing else is sent; after an election timeout without an answer it is retried.
        c.DropIf = null;
        for (var i = 0; i < 3 * TestOptions.ElectionTimeoutMin && c.Node(3).CommitIndex < 4; i++)
        {
            c.Tick(1);
            c.Stabilize();
        }

        Assert.Equal(2, c.Sent.OfType<InstallSnapshot>().Count());
        Assert.Single(c[3].InstalledSnapshots);
        Assert.Equal(4UL, c.Node(3).CommitIndex);
        Assert.Equal(["c"], c[3].Applied.Select(TestCluster.Text));
    }
}
