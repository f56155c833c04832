using Raft.Core;
using Raft.Core.Storage;
using Raft.Storage.Testing;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>The <see cref="ILogStore"/> contract, before and after reopening (recovery), on the fault-injecting file system.</summary>
public sealed class FileLogStoreTests
{
    private readonly FaultInjectingFileSystem fileSystem = new();

    [Fact]
    public void NewStoreIsEmpty()
    {
        using var store = Open(fileSystem);

        Assert.Equal(1UL, store.FirstIndex);
        Assert.Equal(0UL, store.LastIndex);
        Assert.Equal(0UL, store.Term(0));
        Assert.True(store.HardState.IsEmpty);
        Assert.True(store.GetSnapshot().IsEmpty);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Term(1));
    }

    [Fact]
    public void EntriesAndHardStateRoundTripThroughReopen()
    {
        var entries = Entries(1, 50, term: 1, size: 100).Concat(Entries(51, 60, term: 2, size: 3000)).ToArray();
        using (var store = Open(fileSystem))
        {
            store.Save(new HardState(2, 3, 40), entries);
            AssertEntries(entries, ReadAll(store));
            Assert.Equal(new HardState(2, 3, 40), store.HardState);
        }

        using var reopened = Open(fileSystem);
        Assert.Equal(1UL, reopened.FirstIndex);
        Assert.Equal(60UL, reopened.LastIndex);
        Assert.Equal(new HardState(2, 3, 40), reopened.HardState);
        Assert.Equal(1UL, reopened.Term(50));
        Assert.Equal(2UL, reopened.Term(51));
        AssertEntries(entries, ReadAll(reopened));
        Assert.Equal(entries.Length, reopened.Recovery.EntriesScanned);
        Assert.Null(reopened.Recovery.TornWriteFile);
    }

    [Fact]
    public void HardStateAloneIsSavedAndTheLatestWins()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(new HardState(1, 1, 0), []);
            store.Save(null, Entries(1, 3, 1));
            store.Save(new HardState(2, 0, 3), []);
            store.Save(new HardState(2, 5, 3), []);
        }

        using var reopened = Open(fileSystem);
        Assert.Equal(new HardState(2, 5, 3), reopened.HardState);
        Assert.Equal(3UL, reopened.LastIndex);
    }

    [Fact]
    public void SaveWithNothingWritesNothing()
    {
        using var store = Open(fileSystem);
        var before = fileSystem.OperationCount;

        store.Save(null, []);

        Assert.Equal(before, fileSystem.OperationCount);
    }

    [Fact]
    public void EachSaveIsOneWriteAndOneSync()
    {
        using var store = Open(fileSystem, segmentSize: 1 << 20);
        store.Save(new HardState(1, 1, 0), Entries(1, 1, 1));
        var writes = 0;
        var syncs = 0;
        fileSystem.Fault = operation =>
        {
            writes += operation.Kind == FileSystemOperationKind.Write ? 1 : 0;
            syncs += operation.Kind is FileSystemOperationKind.Sync or FileSystemOperationKind.SyncDirectory ? 1 : 0;
            return null;
        };

        store.Save(new HardState(1, 1, 1), Entries(2, 101, 1, size: 500));

        Assert.Equal(1, writes);
        Assert.Equal(1, syncs);
    }

    [Fact]
    public void ALargeBatchIsOneWriteAndRecoversEntryForEntry()
    {
        // 600 entries of varied sizes, about 600 KiB in one write. Recovery verifies every record's checksum and offset.
        var entries = Enumerable.Range(0, 601).Select(i => Entry((ulong)i + 1, 1, size: 700 + (i * 37 % 700), salt: i)).ToArray();
        using (var store = Open(fileSystem, segmentSize: 4 << 20, cache: 0))
        {
            store.Save(new HardState(1, 1, 0), entries.AsSpan(0, 1)); // creates the segment (zero-filling it is other writes)
            entries = entries[1..];
            var writes = 0;
            fileSystem.Fault = operation =>
            {
                writes += operation.Kind == FileSystemOperationKind.Write ? 1 : 0;
                return null;
            };
            store.Save(new HardState(1, 1, 0), entries);
            fileSystem.Fault = null;
            Assert.Equal(1, writes);
            AssertEntries(entries, ReadAll(store).Skip(1).ToList());
        }

        using var reopened = Open(fileSystem, segmentSize: 4 << 20, cache: 0);
        Assert.Equal(entries.Length + 1, reopened.Recovery.EntriesScanned);
        Assert.Null(reopened.Recovery.TornWriteFile);
        AssertEntries(entries, ReadAll(reopened).Skip(1).ToList());
    }

    [Fact]
    public void GetEntriesHonoursTheByteBudgetButAlwaysReturnsOneEntry()
    {
        using var store = Open(fileSystem, cache: 0);
        store.Save(null, Entries(1, 10, 1, size: 100));
        var memory = new MemoryLogStore();
        memory.Save(null, Entries(1, 10, 1, size: 100));

        foreach (var maxBytes in new long[] { 0, 1, 124, 248, 250, 1000, long.MaxValue })
        {
            var fromFile = new List<LogEntry>();
            var fromMemory = new List<LogEntry>();
            store.GetEntries(3, 9, maxBytes, fromFile);
            memory.GetEntries(3, 9, maxBytes, fromMemory);
            AssertEntries(fromMemory, fromFile);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => store.GetEntries(0, 3, long.MaxValue, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.GetEntries(5, 12, long.MaxValue, []));
    }

    [Fact]
    public void ConflictingSuffixIsReplacedAndStaysReplacedAfterReopen()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(null, Entries(1, 30, term: 1, size: 200));
            store.Save(new HardState(2, 2, 10), Entries(20, 25, term: 2, size: 50));

            Assert.Equal(25UL, store.LastIndex);
            Assert.Equal(1UL, store.Term(19));
            Assert.Equal(2UL, store.Term(20));
        }

        using var reopened = Open(fileSystem);
        var expected = Entries(1, 19, 1, size: 200).Concat(Entries(20, 25, 2, size: 50)).ToArray();
        AssertEntries(expected, ReadAll(reopened));
        Assert.Equal(25UL, reopened.LastIndex);
    }

    [Fact]
    public void ReplacingASuffixThatSpansSeveralSegmentsReplacesAllOfIt()
    {
        using (var store = Open(fileSystem, segmentSize: 4096))
        {
            foreach (var batch in Entries(1, 200, term: 1, size: 100).Chunk(10))
            {
                store.Save(null, batch);
            }

            Assert.True(store.SegmentCount > 4);
            store.Save(null, Entries(7, 9, term: 3, size: 10));
            store.Save(null, Entries(10, 12, term: 3, size: 10));
        }

        using var reopened = Open(fileSystem, segmentSize: 4096, cache: 0);
        var expected = Entries(1, 6, 1, size: 100).Concat(Entries(7, 9, 3, size: 10)).Concat(Entries(10, 12, 3, size: 10)).ToArray();
        AssertEntries(expected, ReadAll(reopened));
        Assert.Equal(3UL, reopened.Term(12));
    }

    [Fact]
    public void AppendRejectsEntriesThatDoNotContinueTheLog()
    {
        using var store = Open(fileSystem);
        store.Save(null, Entries(1, 5, 2));

        Assert.Throws<ArgumentOutOfRangeException>(() => store.Save(null, Entries(7, 8, 2)));
        Assert.Throws<ArgumentException>(() => store.Save(null, [Entry(6, 2), Entry(8, 2)]));
        Assert.Throws<ArgumentException>(() => store.Save(null, Entries(6, 6, 1)));
        Assert.False(store.IsFailed);
        Assert.Equal(5UL, store.LastIndex);
    }

    [Fact]
    public void ManySegmentsReadBackFromDiskWithoutTheCache()
    {
        var entries = Entries(1, 3000, term: 1, size: 64);
        for (var i = 1000; i < entries.Length; i++)
        {
            entries[i] = Entry((ulong)i + 1, 2, size: 40 + (i % 300));
        }

        using (var store = Open(fileSystem, segmentSize: 8192, cache: 0))
        {
            foreach (var batch in entries.Chunk(37))
            {
                store.Save(null, batch);
            }

            Assert.True(store.SegmentCount > 50, $"{store.SegmentCount} segments");
            AssertEntries(entries, ReadAll(store));
        }

        using var reopened = Open(fileSystem, segmentSize: 8192, cache: 0);
        AssertEntries(entries, ReadAll(reopened));
        var middle = new List<LogEntry>();
        reopened.GetEntries(1234, 1240, long.MaxValue, middle);
        AssertEntries(entries[1233..1239], middle);
        Assert.Equal(2UL, reopened.Term(2000));
    }

    [Fact]
    public void CacheServesRecentEntriesWithinItsBudget()
    {
        using var store = Open(fileSystem, segmentSize: 1 << 20, cache: 64 << 10);
        foreach (var batch in Entries(1, 2000, 1, size: 100).Chunk(100))
        {
            store.Save(null, batch);
        }

        Assert.InRange(store.CachedBytes, 32 << 10, 64 << 10);
        var reads = 0;
        fileSystem.Fault = operation =>
        {
            reads += operation.Kind == FileSystemOperationKind.Read ? 1 : 0;
            return null;
        };

        var recent = new List<LogEntry>();
        store.GetEntries(1990, 2001, long.MaxValue, recent);
        Assert.Equal(0, reads);
        AssertEntries(Entries(1990, 2000, 1, size: 100), recent);

        var old = new List<LogEntry>();
        store.GetEntries(10, 20, long.MaxValue, old);
        Assert.True(reads > 0);
        AssertEntries(Entries(10, 19, 1, size: 100), old);
    }

    [Fact]
    public void SaveHasWrittenThePayloadBeforeItReturns()
    {
        var payload = new byte[] { 1, 2, 3 };
        using (var store = Open(fileSystem))
        {
            store.Save(null, [new LogEntry(1, 1, EntryType.Command, payload)]);
        }

        // The contract is that payloads never change once saved; if one did, the disk would still hold what was saved.
        payload[0] = 99;
        fileSystem.Crash();

        using var reopened = Open(fileSystem);
        Assert.Equal(new byte[] { 1, 2, 3 }, ReadAll(reopened)[0].Data.ToArray());
    }

    [Fact]
    public void SnapshotAndCompactionDeleteWholeSegmentsAndKeepTheBoundary()
    {
        using (var store = Open(fileSystem, segmentSize: 4096))
        {
            foreach (var batch in Entries(1, 200, 1, size: 100).Chunk(10))
            {
                store.Save(new HardState(1, 1, batch[^1].Index), batch);
            }

            var segmentsBefore = Segments(fileSystem).Length;
            store.SaveSnapshot(Snapshot(150, 1, 10_000, new ClusterConfiguration([1, 2, 3])));
            store.Compact(150);

            Assert.Equal(151UL, store.FirstIndex);
            Assert.Equal(1UL, store.Term(150));
            Assert.Throws<ArgumentOutOfRangeException>(() => store.Term(149));
            Assert.True(Segments(fileSystem).Length < segmentsBefore);
            Assert.Throws<ArgumentOutOfRangeException>(() => store.Compact(151));
            AssertEntries(Entries(151, 200, 1, size: 100), ReadAll(store));
        }

        using var reopened = Open(fileSystem, segmentSize: 4096);
        Assert.Equal(151UL, reopened.FirstIndex);
        Assert.Equal(200UL, reopened.LastIndex);
        Assert.Equal(new SnapshotMetadata(150, 1, new ClusterConfiguration([1, 2, 3])).Configuration, reopened.SnapshotMetadata.Configuration);
        Assert.Equal(Snapshot(150, 1, 10_000).Source is MemorySnapshotSource m ? m.Data.ToArray() : [], ReadSnapshotData(reopened.GetSnapshot().Source));
        AssertEntries(Entries(151, 200, 1, size: 100), ReadAll(reopened));
    }

    [Fact]
    public void CompactionBelowTheSnapshotKeepsLaterEntriesReadable()
    {
        using var store = Open(fileSystem, segmentSize: 4096);
        foreach (var batch in Entries(1, 100, 1, size: 100).Chunk(10))
        {
            store.Save(null, batch);
        }

        store.SaveSnapshot(Snapshot(80, 1, 100));

        store.Compact(50);

        Assert.Equal(51UL, store.FirstIndex);
        Assert.Equal(1UL, store.Term(50));
        AssertEntries(Entries(51, 100, 1, size: 100), ReadAll(store));
    }

    [Fact]
    public void PreparedSnapshotIsInvisibleUntilSavedAndSurvivesReopenOnceSaved()
    {
        var expected = Snapshot(30, 1, 5000);
        using (var store = Open(fileSystem))
        {
            store.Save(null, Entries(1, 40, 1));
            var prepared = store.PrepareSnapshot(expected);

            Assert.Equal(0UL, store.GetSnapshot().Metadata.Index);
            Assert.Equal(ReadSnapshotData(expected.Source), ReadSnapshotData(prepared.Source));

            store.SaveSnapshot(prepared);

            Assert.Equal(30UL, store.GetSnapshot().Metadata.Index);
            Assert.Empty(SnapshotTemporaryFiles());
        }

        using var reopened = Open(fileSystem);
        Assert.Equal(30UL, reopened.GetSnapshot().Metadata.Index);
        Assert.Equal(ReadSnapshotData(expected.Source), ReadSnapshotData(reopened.GetSnapshot().Source));
    }

    [Fact]
    public void PreparedSnapshotNeverSavedIsRemovedOnOpen()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(null, Entries(1, 40, 1));
            store.PrepareSnapshot(Snapshot(30, 1, 5000));
            Assert.NotEmpty(SnapshotTemporaryFiles());
        }

        using var reopened = Open(fileSystem);
        Assert.Equal(0UL, reopened.GetSnapshot().Metadata.Index);
        Assert.Empty(SnapshotTemporaryFiles());
    }

    [Fact]
    public void PreparedSnapshotOvertakenByANewerOneIsDiscardedWhenSaved()
    {
        using var store = Open(fileSystem);
        store.Save(null, Entries(1, 40, 1));
        var older = store.PrepareSnapshot(Snapshot(20, 1, 3000));
        store.SaveSnapshot(Snapshot(30, 1, 3000));

        store.SaveSnapshot(older);

        Assert.Equal(30UL, store.GetSnapshot().Metadata.Index);
        Assert.Empty(SnapshotTemporaryFiles());
    }

    [Fact]
    public void RestartTreatsEntriesCoveredByTheSnapshotAsCompacted()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(null, Entries(1, 40, 1));
            store.SaveSnapshot(Snapshot(30, 1, 100));
        }

        using var reopened = Open(fileSystem);
        Assert.Equal(31UL, reopened.FirstIndex);
        Assert.Equal(1UL, reopened.Term(30));
        AssertEntries(Entries(31, 40, 1), ReadAll(reopened));
    }

    [Fact]
    public void InstalledSnapshotReplacesTheLogAndSurvivesReopen()
    {
        var snapshot = Snapshot(500, 7, 3 << 20, new ClusterConfiguration([1, 2], [1, 2, 3], [9]));
        using (var store = Open(fileSystem, segmentSize: 4096))
        {
            foreach (var batch in Entries(1, 100, 3, size: 100).Chunk(10))
            {
                store.Save(new HardState(6, 1, 20), batch);
            }

            Assert.True(Segments(fileSystem).Length > 1);
            store.InstallSnapshot(snapshot);

            Assert.Equal(501UL, store.FirstIndex);
            Assert.Equal(500UL, store.LastIndex);
            Assert.Equal(7UL, store.Term(500));
            Assert.Equal(new HardState(6, 1, 500), store.HardState);
            Assert.Single(Segments(fileSystem));
            store.Save(null, Entries(501, 510, 7));
        }

        using var reopened = Open(fileSystem, segmentSize: 4096);
        Assert.Equal(501UL, reopened.FirstIndex);
        Assert.Equal(510UL, reopened.LastIndex);
        Assert.Equal(7UL, reopened.Term(500));
        Assert.Equal(new HardState(6, 1, 500), reopened.HardState);
        Assert.Equal(snapshot.Metadata.Configuration, reopened.SnapshotMetadata.Configuration);
        Assert.Equal(((MemorySnapshotSource)snapshot.Source).Data.ToArray(), ReadSnapshotData(reopened.GetSnapshot().Source));
        AssertEntries(Entries(501, 510, 7), ReadAll(reopened));
    }

    [Fact]
    public void InstallingAnOlderSnapshotIsRefused()
    {
        using var store = Open(fileSystem);
        store.InstallSnapshot(Snapshot(100, 2, 10));

        Assert.Throws<ArgumentOutOfRangeException>(() => store.InstallSnapshot(Snapshot(100, 2, 10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.InstallSnapshot(Snapshot(50, 2, 10)));
        Assert.False(store.IsFailed);
    }

    [Fact]
    public void LocalSnapshotMustMatchTheLog()
    {
        using var store = Open(fileSystem);
        store.Save(null, Entries(1, 10, 2));

        Assert.Throws<ArgumentOutOfRangeException>(() => store.SaveSnapshot(Snapshot(11, 2, 10)));
        Assert.Throws<ArgumentException>(() => store.SaveSnapshot(Snapshot(5, 3, 10)));
        store.SaveSnapshot(Snapshot(5, 2, 10));
        store.SaveSnapshot(Snapshot(4, 2, 10));
        Assert.Equal(5UL, store.SnapshotMetadata.Index);
    }

    [Fact]
    public void OldSnapshotsArePruned()
    {
        using var store = FileLogStore.Open(Root, Options(fileSystem) with { SnapshotsToKeep = 2 });
        store.Save(null, Entries(1, 10, 1));
        for (ulong index = 2; index <= 10; index += 2)
        {
            store.SaveSnapshot(Snapshot(index, 1, 100));
        }

        var files = fileSystem.GetFileNames(Path.Combine(Root, "snap"));
        Assert.Equal(["0000000000000008-0000000000000001.snap", "0000000000000010-0000000000000001.snap"], files);
    }

    [Fact]
    public void SnapshotIsStreamedInChunksFromAndToStreams()
    {
        var data = new byte[5_000_000];
        new Random(3).NextBytes(data);
        var source = new ChunkedSource(data);
        using var store = Open(fileSystem);

        store.InstallSnapshot(new Snapshot(new SnapshotMetadata(10, 1, null), source));

        Assert.True(source.LargestRead <= 1 << 20, $"read {source.LargestRead} bytes at once");
        var snapshot = store.GetSnapshot();
        Assert.Equal(data.Length, snapshot.Source.Length);
        using var stream = snapshot.Source.OpenRead();
        var buffer = new byte[64 << 10];
        using var copy = new MemoryStream();
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            copy.Write(buffer, 0, read);
        }

        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public void DirectoryLayoutIsReadable()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(null, Entries(1, 3, 1));
            store.SaveSnapshot(Snapshot(2, 1, 10));
        }

        Assert.Equal(["meta"], fileSystem.GetFileNames(Root));
        Assert.Equal(["0000000000000001-0000000000000001.wal"], fileSystem.GetFileNames(Path.Combine(Root, "wal")));
        Assert.Equal(["0000000000000002-0000000000000001.snap"], fileSystem.GetFileNames(Path.Combine(Root, "snap")));
        var meta = System.Text.Encoding.UTF8.GetString(ReadFile(fileSystem, Path.Combine(Root, "meta")));
        Assert.Contains("format-version: 2\n", meta, StringComparison.Ordinal);
        Assert.Contains($"cluster-id: {Cluster}\n", meta, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreFromBeforeACrashCannotTouchTheRestartedNode()
    {
        // How the simulator uses it: the crashed node's store is abandoned, not disposed, and a new one is opened.
        var crashed = Open(fileSystem);
        crashed.Save(new HardState(1, 1, 0), Entries(1, 3, 1));
        fileSystem.Crash(new Random(1));

        using var restarted = Open(fileSystem);
        Assert.Throws<StorageFailedException>(() => crashed.Save(null, Entries(4, 4, 1)));
        restarted.Save(null, Entries(4, 5, 2));

        Assert.Equal(new HardState(1, 1, 0), restarted.HardState);
        AssertEntries([.. Entries(1, 3, 1), .. Entries(4, 5, 2)], ReadAll(restarted));
    }

    [Fact]
    public void RandomOperationsMatchTheModelAcrossRestarts()
    {
        for (var seed = 1; seed <= 12; seed++)
        {
            var fs = new FaultInjectingFileSystem();
            var random = new Random(seed);
            var model = new LogModel();
            var store = Open(fs, segmentSize: 4096 + random.Next(4096), preallocate: seed % 2 == 0, cache: random.Next(3) * 2000);
            ulong term = 1;
            try
            {
                for (var step = 0; step < 150; step++)
                {
                    switch (random.Next(12))
                    {
                        case < 6:
                            // Only entries after the commit index may be replaced, as in Raft.
                            var commit = model.ExpectedHardState.Commit;
                            var back = Math.Min(random.Next(3) == 0 ? random.Next(5) : 0, (int)(model.LastIndex - Math.Max(model.Boundary, commit)));
                            var first = model.LastIndex + 1 - (ulong)back;
                            term += random.Next(4) == 0 ? 1UL : 0;
                            var entries = Entries(first, first + (ulong)random.Next(8), term, size: random.Next(300), salt: step);
                            var newCommit = Math.Min(entries[^1].Index, commit + (ulong)random.Next(10));
                            var hardState = random.Next(2) == 0 ? new HardState(term, (ulong)random.Next(3), newCommit) : (HardState?)null;
                            store.Save(hardState, entries);
                            model.Save(hardState, entries);
                            break;
                        case 6 when model.ExpectedHardState.Commit > model.Snapshot.Index:
                            var index = model.Snapshot.Index + 1 + (ulong)random.Next((int)(model.ExpectedHardState.Commit - model.Snapshot.Index));
                            var snapshot = Snapshot(index, model.Term(index), random.Next(5000));
                            store.SaveSnapshot(snapshot);
                            model.SaveSnapshot(snapshot.Metadata);
                            break;
                        case 7 when model.Snapshot.Index > model.Boundary:
                            var upTo = model.Boundary + 1 + (ulong)random.Next((int)(model.Snapshot.Index - model.Boundary));
                            store.Compact(upTo);
                            model.Compact(upTo);
                            break;
                        case 8 when random.Next(4) == 0:
                            term++;
                            var installed = Snapshot(model.LastIndex + (ulong)random.Next(1, 20), term, random.Next(3000));
                            store.InstallSnapshot(installed);
                            model.InstallSnapshot(installed.Metadata);
                            break;
                        case 9:
                            store.Dispose();
                            if (random.Next(2) == 0)
                            {
                                fs.Crash(random);
                            }

                            store = Open(fs, segmentSize: 4096 + random.Next(4096), preallocate: seed % 2 == 0);
                            model.Compact(model.Snapshot.Index);
                            break;
                    }

                    var difference = model.Differences(store);
                    Assert.True(difference is null, $"seed {seed} step {step}: {difference}");
                }
            }
            finally
            {
                store.Dispose();
            }
        }
    }

    /// <summary>A snapshot source that is a plain forward-only stream handing out at most 100,000 bytes per read.</summary>
    private sealed class ChunkedSource(byte[] data) : ISnapshotSource
    {
        public long Length => data.Length;

        public int LargestRead { get; private set; }

        public Stream OpenRead() => new ChunkedStream(this, data);

        private sealed class ChunkedStream(ChunkedSource owner, byte[] data) : Stream
        {
            private int position;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count)
            {
                owner.LargestRead = Math.Max(owner.LargestRead, count);
                var n = Math.Min(Math.Min(count, 100_000), data.Length - position);
                data.AsSpan(position, n).CopyTo(buffer.AsSpan(offset));
                position += n;
                return n;
            }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }

    private string[] SnapshotTemporaryFiles() =>
        fileSystem.GetFileNames(Path.Combine(Root, "snap")).Where(name => name.EndsWith(".tmp", StringComparison.Ordinal)).ToArray();
}
