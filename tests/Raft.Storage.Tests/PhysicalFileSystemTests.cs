using Raft.Core;
using Raft.Storage.IO;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>The production configuration on real files: preallocated segments prepared in the background, fsync of files and directories.</summary>
public sealed class PhysicalFileSystemTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "raft-storage-tests-" + Guid.NewGuid().ToString("N"));

    private FileLogStoreOptions Production => new() { ClusterId = Cluster, SegmentSize = 64 << 10, EntryCacheSize = 16 << 10 };

    [Fact]
    public void RoundTripWithPreallocatedSegmentsPreparedInTheBackground()
    {
        var entries = Entries(1, 2000, 1, size: 200);
        using (var store = FileLogStore.Open(directory, Production))
        {
            foreach (var batch in entries.Chunk(50))
            {
                store.Save(new HardState(1, 1, batch[0].Index), batch);
            }

            store.SaveSnapshot(Snapshot(1000, 1, 300_000));
            store.Compact(900);
            AssertEntries(entries[900..], ReadAll(store));
        }

        var wal = Path.Combine(directory, "wal");
        var segments = Directory.GetFiles(wal, "*.wal").Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length > 3);

        // Sealed segments keep their preallocated size, so that compaction can recycle them whole.
        Assert.All(segments, segment => Assert.Equal(64 << 10, new FileInfo(segment).Length));

        using var reopened = FileLogStore.Open(directory, Production);
        Assert.Equal(1001UL, reopened.FirstIndex);
        Assert.Equal(new HardState(1, 1, 1951), reopened.HardState);
        AssertEntries(entries[1000..], ReadAll(reopened));
        Assert.Equal(300_000, ReadSnapshotData(reopened.GetSnapshot().Source).Length);
        Assert.DoesNotContain(Directory.GetFiles(wal), path => path.EndsWith(".tmp", StringComparison.Ordinal) && !path.EndsWith("spare.tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void RollsReuseCompactedSegmentsInsteadOfZeroFillingSparesInTheBackground()
    {
        var entries = Entries(1, 8000, 1, size: 200);
        var zeroFilledHalfway = -1;
        using (var store = FileLogStore.Open(directory, Production))
        {
            foreach (var batch in entries.Chunk(50))
            {
                var last = batch[^1].Index;
                store.Save(new HardState(1, 1, last), batch);
                if (last % 200 == 0)
                {
                    store.SaveSnapshot(Snapshot(last - 100, 1, 1000));
                    store.Compact(last - 100);
                }

                if (last == 4000)
                {
                    store.WaitForBackgroundWork();
                    zeroFilledHalfway = store.SegmentFiles.ZeroFilled;
                }
            }

            store.WaitForBackgroundWork();
            var (recycled, zeroFilled) = store.SegmentFiles;

            // About 29 rolls: after the first ones, every roll takes a recycled file and no spare is zero-filled again.
            Assert.True(recycled >= 20, $"{recycled} rolls into recycled files, {zeroFilled} zero-filled spares");
            Assert.True(zeroFilled <= 3, $"{zeroFilled} zero-filled spares");
            Assert.Equal(zeroFilledHalfway, zeroFilled);
            AssertEntries(entries[(int)(store.FirstIndex - 1)..], ReadAll(store));
        }

        using var reopened = FileLogStore.Open(directory, Production);
        Assert.Equal(7901UL, reopened.FirstIndex);
        Assert.Null(reopened.Recovery.TornWriteFile);
        AssertEntries(entries[7900..], ReadAll(reopened));
    }

    [Fact]
    public void AnotherStoreCannotOpenADirectoryInUse()
    {
        using var store = FileLogStore.Open(directory, Production);

        var error = Assert.Throws<IOException>(() => FileLogStore.Open(directory, Production));

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectorySyncReportsAFailureWithThePath()
    {
        Directory.CreateDirectory(directory);
        PhysicalFileSystem.Instance.SyncDirectory(directory);

        var missing = Path.Combine(directory, "missing");
        var error = Assert.Throws<IOException>(() => PhysicalFileSystem.Instance.SyncDirectory(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutPreallocationSegmentsGrowAsWritten()
    {
        using (var store = FileLogStore.Open(directory, Production with { PreallocateSegments = false }))
        {
            store.Save(null, Entries(1, 10, 1, size: 100));
        }

        var segment = Directory.GetFiles(Path.Combine(directory, "wal"), "*.wal").Single();
        Assert.True(new FileInfo(segment).Length < 2000);
        using var reopened = FileLogStore.Open(directory, Production with { PreallocateSegments = false });
        AssertEntries(Entries(1, 10, 1, size: 100), ReadAll(reopened));
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
