using Raft.Core;
using Raft.Core.Storage;
using Raft.Storage.Testing;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>A failed write or fsync makes the store fail-stop: reported, every later write refused, nothing half-done served.</summary>
public sealed class FailStopTests
{
    private readonly FaultInjectingFileSystem fileSystem = new();

    [Theory]
    [InlineData(FileSystemOperationKind.Sync)]
    [InlineData(FileSystemOperationKind.Write)]
    public void FailedAppendStopsTheStore(FileSystemOperationKind failing)
    {
        using var store = Open(fileSystem);
        store.Save(new HardState(1, 1, 0), Entries(1, 5, 1));
        fileSystem.Fault = operation => operation.Kind == failing ? FaultInjectingFileSystem.InputOutputError(operation.Path) : null;

        var error = Assert.Throws<StorageFailedException>(() => store.Save(new HardState(2, 2, 5), Entries(6, 8, 2)));
        fileSystem.Fault = null;

        Assert.Contains("EIO", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.True(store.IsFailed);
        Assert.Same(error.InnerException, store.Failure);

        // What was acknowledged is still served; what failed is not.
        Assert.Equal(5UL, store.LastIndex);
        Assert.Equal(new HardState(1, 1, 0), store.HardState);
        AssertEntries(Entries(1, 5, 1), ReadAll(store));

        // Every later write is refused without touching the disk, even one that would now succeed.
        var operations = fileSystem.OperationCount;
        Assert.Throws<StorageFailedException>(() => store.Save(new HardState(3, 3, 5), []));
        Assert.Throws<StorageFailedException>(() => store.Save(null, Entries(6, 6, 2)));
        Assert.Throws<StorageFailedException>(() => store.SaveSnapshot(Snapshot(3, 1, 10)));
        Assert.Throws<StorageFailedException>(() => store.InstallSnapshot(Snapshot(30, 3, 10)));
        Assert.Throws<StorageFailedException>(() => store.Compact(1));
        Assert.Equal(operations, fileSystem.OperationCount);
    }

    [Fact]
    public void AfterAFailedFsyncRecoveryHasEveryAcknowledgedWrite()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(new HardState(1, 1, 0), Entries(1, 5, 1));
            fileSystem.Fault = operation => operation.Kind == FileSystemOperationKind.Sync ? FaultInjectingFileSystem.InputOutputError(operation.Path) : null;
            Assert.Throws<StorageFailedException>(() => store.Save(new HardState(2, 2, 5), Entries(6, 8, 2)));
        }

        fileSystem.Fault = null;
        fileSystem.Crash();

        using var reopened = Open(fileSystem);
        Assert.Equal(new HardState(1, 1, 0), reopened.HardState);
        AssertEntries(Entries(1, 5, 1), ReadAll(reopened));
    }

    [Fact]
    public void FullDiskStopsTheStore()
    {
        using var store = Open(fileSystem, segmentSize: 4096);
        store.Save(null, Entries(1, 5, 1, size: 100));
        fileSystem.CapacityBytes = fileSystem.UsedBytes + 5000;

        var error = Assert.Throws<StorageFailedException>(() =>
        {
            for (ulong index = 6; index < 200; index++)
            {
                store.Save(null, [Entry(index, 1, size: 100)]);
            }
        });

        Assert.Contains("ENOSPC", error.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("fail-stop", error.Message, StringComparison.Ordinal);
        Assert.True(store.IsFailed);
        var last = store.LastIndex;
        Assert.True(last > 5);
        fileSystem.CapacityBytes = null;
        Assert.Throws<StorageFailedException>(() => store.Save(null, [Entry(last + 1, 1)]));
        AssertEntries(Entries(1, last, 1, size: 100), ReadAll(store));
    }

    [Fact]
    public void FailedSnapshotWriteStopsTheStoreAndLeavesTheOldSnapshot()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(null, Entries(1, 20, 1));
            store.SaveSnapshot(Snapshot(5, 1, 100));
            fileSystem.Fault = operation => operation.Kind == FileSystemOperationKind.Rename ? FaultInjectingFileSystem.InputOutputError(operation.Path) : null;

            Assert.Throws<StorageFailedException>(() => store.SaveSnapshot(Snapshot(15, 1, 100)));
            Assert.True(store.IsFailed);
            Assert.Equal(5UL, store.SnapshotMetadata.Index);
        }

        fileSystem.Fault = null;
        fileSystem.Crash();
        using var reopened = Open(fileSystem);
        Assert.Equal(5UL, reopened.SnapshotMetadata.Index);
        Assert.Single(fileSystem.GetFileNames(Path.Combine(Root, "snap")));
    }

    [Fact]
    public void FailingSnapshotSourceIsTheCallersProblemNotTheDisks()
    {
        using var store = Open(fileSystem);
        store.Save(null, Entries(1, 20, 1));
        var broken = new Snapshot(new SnapshotMetadata(50, 2, null), new BrokenSource());

        var error = Assert.Throws<InvalidOperationException>(() => store.InstallSnapshot(broken));
        Assert.Equal("connection to the leader lost", error.Message);
        var wrongLength = new Snapshot(new SnapshotMetadata(50, 2, null), new LyingSource());
        Assert.Throws<InvalidDataException>(() => store.InstallSnapshot(wrongLength));

        Assert.False(store.IsFailed);
        Assert.Equal(20UL, store.LastIndex);
        Assert.Empty(fileSystem.GetFileNames(Path.Combine(Root, "snap")));
        store.InstallSnapshot(Snapshot(50, 2, 100));
        Assert.Equal(50UL, store.LastIndex);
    }

    [Fact]
    public void CrashDuringSnapshotInstallationRollsItBack()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(new HardState(1, 1, 10), Entries(1, 20, 1));

            // The log records the installation, then renaming the snapshot into place fails: it never happened.
            fileSystem.Fault = operation => operation.Kind == FileSystemOperationKind.Rename && operation.Path.EndsWith(".snap.tmp", StringComparison.Ordinal)
                ? FaultInjectingFileSystem.InputOutputError(operation.Path)
                : null;
            Assert.Throws<StorageFailedException>(() => store.InstallSnapshot(Snapshot(100, 3, 1000)));
        }

        fileSystem.Fault = null;
        fileSystem.Crash();
        using (var reopened = Open(fileSystem))
        {
            Assert.True(reopened.Recovery.SnapshotInstallRolledBack);
            Assert.Equal(0UL, reopened.SnapshotMetadata.Index);
            Assert.Equal(new HardState(1, 1, 10), reopened.HardState);
            AssertEntries(Entries(1, 20, 1), ReadAll(reopened));
            reopened.Save(null, Entries(21, 22, 1));
        }

        using var again = Open(fileSystem);
        Assert.False(again.Recovery.SnapshotInstallRolledBack);
        AssertEntries(Entries(1, 22, 1), ReadAll(again));
    }

    private sealed class BrokenSource : ISnapshotSource
    {
        public long Length => 1000;

        public Stream OpenRead() => new BrokenStream();

        private sealed class BrokenStream : MemoryStream
        {
            public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("connection to the leader lost");
        }
    }

    private sealed class LyingSource : ISnapshotSource
    {
        public long Length => 1000;

        public Stream OpenRead() => new MemoryStream(new byte[10]);
    }
}
