using Raft.Core;
using Raft.Storage.Testing;
using Raft.Storage.Wal;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>
/// Compaction recycles the files of obsolete segments, and rolling reuses them instead of zero-filling new ones. A recycled
/// file still holds the records of its earlier life after the end of the log: salted checksums and seals keep them out of
/// the log, and recovery must neither mistake them for a torn write nor let them hide real damage.
/// </summary>
public sealed class SegmentRecyclingTests
{
    private const int Payload = 150;

    private readonly FaultInjectingFileSystem fileSystem = new();

    public enum Damage
    {
        /// <summary>The rest of the record never reached the disk: the file's old bytes are still there.</summary>
        Stale,

        /// <summary>The rest of the record reads as zeros.</summary>
        Zeroed,

        /// <summary>The rest of the record is garbage.</summary>
        Garbage,
    }

    [Fact]
    public void RollsReuseCompactedSegmentFilesInsteadOfZeroFillingNewOnes()
    {
        var spares = new List<ulong>();
        var recycledRenames = 0;
        var model = new LogModel();
        ulong index = 0;
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            fileSystem.Fault = operation =>
            {
                if (operation.Kind == FileSystemOperationKind.CreateFile && operation.Path.EndsWith(SegmentAllocator.SpareName, StringComparison.Ordinal))
                {
                    spares.Add(index);
                }

                recycledRenames += operation.Kind == FileSystemOperationKind.Rename && Path.GetFileName(operation.Path).StartsWith(SegmentAllocator.RecycledPrefix, StringComparison.Ordinal) ? 1 : 0;
                return null;
            };
            for (var batch = 1; batch <= 300; batch++)
            {
                var entries = Entries(index + 1, index + 2, 1, size: Payload, salt: batch);
                var hardState = new HardState(1, 1, index + 2);
                store.Save(hardState, entries);
                model.Save(hardState, entries);
                index += 2;

                // As a node does after each snapshot: compact, keeping a tail of entries for slow followers.
                if (batch % 6 == 0 && index > 30)
                {
                    var snapshot = Snapshot(index - 20, 1, 100);
                    store.SaveSnapshot(snapshot);
                    store.Compact(index - 20);
                    model.SaveSnapshot(snapshot.Metadata);
                    model.Compact(index - 20);
                }
            }

            fileSystem.Fault = null;
            var (recycled, zeroFilled) = store.SegmentFiles;
            Assert.True(recycled > 25, $"{recycled} segments from recycled files, {zeroFilled} zero-filled");
            Assert.Equal(recycled, recycledRenames);

            // Only the first rolls, before compaction had made anything obsolete, needed a zero-filled file.
            Assert.Equal(zeroFilled, spares.Count);
            Assert.True(spares.Count <= 3 && spares.All(at => at < 60), $"spares zero-filled at indexes {string.Join(", ", spares)}");
            Assert.Contains(fileSystem.GetFileNames(Path.Combine(Root, "wal")), name => name.StartsWith(SegmentAllocator.RecycledPrefix, StringComparison.Ordinal));
            Assert.True(model.Differences(store) is null, model.Differences(store));
        }

        Assert.True(IsRecycled(fileSystem, Segments(fileSystem)[^1]));
        using var reopened = Open(fileSystem, segmentSize: 4096, cache: 0);
        Assert.True(model.Differences(reopened) is null, model.Differences(reopened));
        Assert.Null(reopened.Recovery.TornWriteFile);
        Assert.DoesNotContain(fileSystem.GetFileNames(Path.Combine(Root, "wal")), name => name.EndsWith(SegmentAllocator.TemporaryExtension, StringComparison.Ordinal));
    }

    [Fact]
    public void ReopeningWithARecycledActiveSegmentReportsNoTornWriteAndWritesNothing()
    {
        var model = WriteThroughRecycledSegments(fileSystem);
        var active = Segments(fileSystem)[^1];
        Assert.True(IsRecycled(fileSystem, active));
        Assert.True(ReadFile(fileSystem, active).AsSpan((int)EndOfLog(fileSystem, active)).ContainsAnyExcept((byte)0), "the active segment should have stale bytes after its end");

        var changes = CountChanges(fileSystem, out var stop);
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            stop();
            Assert.Equal(0, changes.Writes);
            Assert.Null(store.Recovery.TornWriteFile);
            Assert.True(model.Differences(store) is null, model.Differences(store));

            var next = Entries(model.LastIndex + 1, model.LastIndex + 3, 2, size: 40);
            store.Save(null, next);
            model.Save(null, next);
        }

        fileSystem.Crash();
        using var reopened = Open(fileSystem, segmentSize: 4096, cache: 0);
        Assert.Null(reopened.Recovery.TornWriteFile);
        Assert.True(model.Differences(reopened) is null, model.Differences(reopened));
    }

    [Theory]
    [InlineData(Damage.Stale)]
    [InlineData(Damage.Zeroed)]
    [InlineData(Damage.Garbage)]
    public void TearingTheLastRecordOfARecycledSegmentAtEveryByteRecoversTheRecordsBeforeIt(Damage damage)
    {
        const int LastPayload = 100;
        var lastRecordSize = WalRecord.SizeOf(LastPayload);
        for (var cut = 0; cut < WalRecord.HeaderSize + LastPayload; cut++)
        {
            var fileSystem = new FaultInjectingFileSystem();
            var model = WriteThroughRecycledSegments(fileSystem);
            var active = Segments(fileSystem)[^1];
            var recordStart = EndOfLog(fileSystem, active);
            var before = ReadFile(fileSystem, active).AsSpan((int)recordStart, lastRecordSize).ToArray();
            Assert.True(before.AsSpan().ContainsAnyExcept((byte)0), "the last record should overwrite stale bytes");
            using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
            {
                store.Save(null, [Entry(model.LastIndex + 1, 1, size: LastPayload)]);
            }

            var rest = damage switch
            {
                Damage.Stale => before.AsSpan(cut).ToArray(),
                Damage.Zeroed => new byte[lastRecordSize - cut],
                _ => Garbage(lastRecordSize - cut, cut),
            };
            Overwrite(fileSystem, active, recordStart + cut, rest);

            var changes = CountChanges(fileSystem, out var stop);
            using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
            {
                stop();
                var when = $"cut at byte {cut}";
                Assert.True(model.Differences(store) is null, $"{when}: {model.Differences(store)}");

                // What is left of the one record is not an intact record, so nothing is reported or rewritten: stale bytes
                // and garbage alike are what a recycled segment has after its end.
                Assert.Null(store.Recovery.TornWriteFile);
                Assert.Equal(0, changes.Writes);

                var next = Entry(model.LastIndex + 1, 3, size: 10, salt: 5);
                store.Save(null, [next]);
                model.Save(null, [next]);
            }

            using var reopened = Open(fileSystem, segmentSize: 4096, cache: 0);
            Assert.True(model.Differences(reopened) is null, $"cut at byte {cut}, after one more write: {model.Differences(reopened)}");
            Assert.Null(reopened.Recovery.TornWriteFile);
        }
    }

    [Fact]
    public void RemainsOfATornBatchInARecycledSegmentAreZeroedAndReported()
    {
        // A disk may lose a middle sector of a write and keep later ones: later records of the batch are intact, with
        // this segment's salt, among the stale records of the file's earlier life.
        var model = WriteThroughRecycledSegments(fileSystem);
        var active = Segments(fileSystem)[^1];
        var batchStart = EndOfLog(fileSystem, active);
        var before = ReadFile(fileSystem, active);
        var recordSize = WalRecord.SizeOf(Payload);
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            store.Save(null, Entries(model.LastIndex + 1, model.LastIndex + 4, 1, size: Payload, salt: 3));
        }

        var lost = batchStart + recordSize;
        Overwrite(fileSystem, active, lost, before.AsSpan((int)lost, recordSize));

        var changes = CountChanges(fileSystem, out var stop);
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            stop();
            var kept = Entries(model.LastIndex + 1, model.LastIndex + 1, 1, size: Payload, salt: 3);
            model.Save(null, kept);
            Assert.True(model.Differences(store) is null, model.Differences(store));
            Assert.Equal(active, store.Recovery.TornWriteFile);
            Assert.Equal(lost, store.Recovery.TornWriteOffset);

            // Zeroed from the lost record through the end of the last intact record of the torn batch, and no further.
            Assert.Equal(3 * recordSize, changes.BytesWritten);

            // Same size as the lost record, so without the zeroing the torn batch's last entries would follow it seamlessly.
            var next = Entry(model.LastIndex + 1, 2, size: Payload, salt: 1);
            store.Save(null, [next]);
            model.Save(null, [next]);
        }

        fileSystem.Crash();
        using var reopened = Open(fileSystem, segmentSize: 4096, cache: 0);
        Assert.True(model.Differences(reopened) is null, model.Differences(reopened));
    }

    [Fact]
    public void BitFlipInACommittedRecordOfARecycledSegmentIsRefusedWithFileAndOffset()
    {
        WriteThroughRecycledSegments(fileSystem);
        var segments = Segments(fileSystem);
        var checkedRecords = 0;
        foreach (var path in segments.TakeLast(2))
        {
            var records = Records(fileSystem, path);
            var isLast = path == segments[^1];
            Assert.True(IsRecycled(fileSystem, path));

            // In the newest segment every record but those of the last batch (whose damage is a torn write); in the one
            // before it, every record, its seal included.
            var lastBatch = records[^1].Offset - records[^1].Header.BatchOffset;
            foreach (var (offset, size, _) in records.Where(record => !isLast || record.Offset < lastBatch))
            {
                foreach (var at in new[] { 1, 9, 20, size - 1 }.Distinct())
                {
                    var damaged = new FaultInjectingFileSystem();
                    WriteThroughRecycledSegments(damaged);
                    TornWriteTests.FlipBit(damaged, path, offset + at, at % 8);

                    var error = Record.Exception(() => Open(damaged, segmentSize: 4096).Dispose()) as StorageCorruptionException;

                    Assert.True(error is not null, $"no corruption reported for a flip at {path}:{offset}+{at}");
                    Assert.Equal(path, error.FilePath);
                    Assert.Equal(offset, error.Offset);
                    Assert.Contains($"byte offset {offset}", error.Message, StringComparison.Ordinal);
                }

                checkedRecords++;
            }
        }

        Assert.True(checkedRecords > 15, $"only {checkedRecords} records checked");
    }

    [Fact]
    public void NonLastSegmentWithoutItsSealIsRefused()
    {
        WriteThroughRecycledSegments(fileSystem);
        var segments = Segments(fileSystem);
        var sealedSegment = segments[^2];
        var (sealOffset, sealSize, header) = Records(fileSystem, sealedSegment)[^1];
        Assert.Equal(WalRecordKind.SegmentEnd, header.Kind);

        Overwrite(fileSystem, sealedSegment, sealOffset, new byte[sealSize]);

        var error = Assert.Throws<StorageCorruptionException>(() => Open(fileSystem, segmentSize: 4096).Dispose());
        Assert.Equal(sealedSegment, error.FilePath);
        Assert.Equal(sealOffset, error.Offset);
        Assert.Contains("no seal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CrashAfterSealingRollsOnTheNextWrite()
    {
        var model = WriteThroughRecycledSegments(fileSystem);
        var segmentsBefore = Segments(fileSystem);
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            // The power fails just after the seal is synced: the next segment's file never gets its name.
            fileSystem.Fault = operation => operation.Kind == FileSystemOperationKind.Rename || operation.Kind == FileSystemOperationKind.CreateFile
                ? FaultInjectingFileSystem.InputOutputError(operation.Path)
                : null;
            Assert.Throws<StorageFailedException>(() => store.Save(null, Entries(model.LastIndex + 1, model.LastIndex + 40, 1, size: Payload)));
        }

        fileSystem.Fault = null;
        fileSystem.Crash();
        Assert.Equal(WalRecordKind.SegmentEnd, Records(fileSystem, segmentsBefore[^1])[^1].Header.Kind);
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            Assert.True(model.Differences(store) is null, model.Differences(store));
            Assert.Null(store.Recovery.TornWriteFile);
            var next = Entries(model.LastIndex + 1, model.LastIndex + 2, 1, size: Payload);
            store.Save(null, next);
            model.Save(null, next);
            Assert.Equal(segmentsBefore.Length + 1, Segments(fileSystem).Length);
        }

        using var reopened = Open(fileSystem, segmentSize: 4096, cache: 0);
        Assert.True(model.Differences(reopened) is null, model.Differences(reopened));
    }

    [Fact]
    public void RecycledFileWhoseFirstWriteNeverLandedIsReusedAsItIs()
    {
        var model = WriteThroughRecycledSegments(fileSystem);
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            var next = Entries(model.LastIndex + 1, model.LastIndex + 6, 1, size: Payload);
            store.Save(null, next);
            model.Save(null, next);

            var snapshot = Snapshot(model.LastIndex - 20, 1, 100);
            store.SaveSnapshot(snapshot);
            store.Compact(model.LastIndex - 20);
            model.SaveSnapshot(snapshot.Metadata);
            model.Compact(model.LastIndex - 20);

            // The roll renames a recycled file into place, and then the power fails before its first write lands.
            var renamed = false;
            fileSystem.Fault = operation =>
            {
                renamed |= operation.Kind == FileSystemOperationKind.Rename;
                return renamed && operation.Kind == FileSystemOperationKind.Write ? FaultInjectingFileSystem.InputOutputError(operation.Path) : null;
            };
            Assert.Throws<StorageFailedException>(() => store.Save(null, Entries(model.LastIndex + 1, model.LastIndex + 40, 1, size: Payload)));
            Assert.True(renamed);
        }

        // The rename reached the disk (as the directory's journal may write it before the crash).
        fileSystem.Fault = null;
        fileSystem.SyncDirectory(Path.Combine(Root, "wal"));
        fileSystem.Crash();
        var newest = Segments(fileSystem)[^1];
        Assert.Empty(Records(fileSystem, newest));

        var changes = CountChanges(fileSystem, out var stop);
        using (var store = Open(fileSystem, segmentSize: 4096, cache: 0))
        {
            stop();
            Assert.True(model.Differences(store) is null, model.Differences(store));
            Assert.Null(store.Recovery.TornWriteFile);
            Assert.Equal(0, changes.Writes);
            var next = Entries(model.LastIndex + 1, model.LastIndex + 2, 1, size: Payload);
            store.Save(null, next);
            model.Save(null, next);
        }

        Assert.True(IsRecycled(fileSystem, newest));
        using var reopened = Open(fileSystem, segmentSize: 4096, cache: 0);
        Assert.True(model.Differences(reopened) is null, model.Differences(reopened));
    }

    [Fact]
    public void RecyclingNeedsPreallocatedFullSizeFiles()
    {
        using var store = Open(fileSystem, segmentSize: 4096, preallocate: false);
        ulong index = 0;
        for (var batch = 1; batch <= 60; batch++)
        {
            store.Save(null, Entries(index + 1, index + 2, 1, size: Payload));
            index += 2;
            if (batch % 6 == 0 && index > 30)
            {
                store.SaveSnapshot(Snapshot(index - 20, 1, 100));
                store.Compact(index - 20);
            }
        }

        Assert.Equal((0, 0), store.SegmentFiles);
        Assert.DoesNotContain(fileSystem.GetFileNames(Path.Combine(Root, "wal")), name => name.EndsWith(SegmentAllocator.TemporaryExtension, StringComparison.Ordinal));
    }

    /// <summary>
    /// Writes batches of two entries with a hard state, compacting every six batches (keeping 20 entries), until two rolls
    /// have gone into recycled files, then five more batches: the two newest segments are recycled files.
    /// </summary>
    internal static LogModel WriteThroughRecycledSegments(FaultInjectingFileSystem fileSystem)
    {
        var model = new LogModel();
        using var store = Open(fileSystem, segmentSize: 4096, cache: 0);
        ulong index = 0;
        var batchesInRecycled = 0;
        for (var batch = 1; batchesInRecycled < 5; batch++)
        {
            Assert.True(batch < 200, "no roll went into a recycled file");
            var entries = Entries(index + 1, index + 2, 1, size: Payload, salt: batch);
            var hardState = new HardState(1, 1, index + 1);
            store.Save(hardState, entries);
            model.Save(hardState, entries);
            index += 2;
            batchesInRecycled += store.SegmentFiles.Recycled >= 2 ? 1 : 0;
            if (batch % 6 == 0 && index > 30 && store.SegmentFiles.Recycled < 2)
            {
                var snapshot = Snapshot(index - 20, 1, 100);
                store.SaveSnapshot(snapshot);
                store.Compact(index - 20);
                model.SaveSnapshot(snapshot.Metadata);
                model.Compact(index - 20);
            }
        }

        var segments = Segments(fileSystem);
        Assert.True(IsRecycled(fileSystem, segments[^1]) && IsRecycled(fileSystem, segments[^2]));
        model.Compact(model.Snapshot.Index);
        return model;
    }

    /// <summary>Whether the segment file's start record says it is a recycled file.</summary>
    internal static bool IsRecycled(FaultInjectingFileSystem fileSystem, string path)
    {
        var records = Records(fileSystem, path);
        var bytes = ReadFile(fileSystem, path);
        return records.Count > 0 && WalRecord.TryReadSegmentStart(bytes.AsSpan(WalRecord.HeaderSize, records[0].Header.PayloadLength), out var recycled) && recycled;
    }

    /// <summary>The intact records of a segment (checked with its salt), up to and including its seal.</summary>
    internal static List<(long Offset, int Size, WalRecordHeader Header)> Records(FaultInjectingFileSystem fileSystem, string path)
    {
        var bytes = ReadFile(fileSystem, path);
        Assert.True(WalSegment.TryParseName(Path.GetFileName(path), out var sequence));
        var records = new List<(long, int, WalRecordHeader)>();
        long offset = 0;
        while (WalRecord.TryReadHeader(bytes.AsSpan((int)offset), bytes.Length - offset, out var header)
            && WalRecord.IsIntact(bytes.AsSpan((int)offset), header.PayloadLength, sequence))
        {
            records.Add((offset, WalRecord.HeaderSize + header.PayloadLength, header));
            offset += header.Size;
            if (header.Kind == WalRecordKind.SegmentEnd)
            {
                break;
            }
        }

        return records;
    }

    // Where the records of the newest segment end: where its next write goes.
    private static long EndOfLog(FaultInjectingFileSystem fileSystem, string path) =>
        Records(fileSystem, path) is { Count: > 0 } records ? records[^1].Offset + records[^1].Header.Size : 0;

    private static byte[] Garbage(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    // Counts the writes (and bytes written) to files from now until `stop` is called.
    private static Changes CountChanges(FaultInjectingFileSystem fileSystem, out Action stop)
    {
        var changes = new Changes();
        fileSystem.Fault = operation =>
        {
            if (operation.Kind is FileSystemOperationKind.Write or FileSystemOperationKind.SetLength)
            {
                changes.Writes++;
                changes.BytesWritten += operation.Length;
            }

            return null;
        };
        stop = () => fileSystem.Fault = null;
        return changes;
    }

    private sealed class Changes
    {
        public int Writes { get; set; }

        public long BytesWritten { get; set; }
    }
}
