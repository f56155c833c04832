using Raft.Core;
using Raft.Storage.Testing;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>A crash that tears the last write: recovery keeps everything before it, discards its remains, and carries on.</summary>
public sealed class TornWriteTests
{
    private const int LastPayload = 100;
    private static readonly int LastRecordSize = Wal.WalRecord.SizeOf(LastPayload);

    public enum Damage
    {
        /// <summary>The file ends part-way through the record.</summary>
        Truncated,

        /// <summary>The rest of the record never reached the disk: zeros.</summary>
        Zeroed,

        /// <summary>The rest of the record is garbage.</summary>
        Garbage,
    }

    [Theory]
    [InlineData(Damage.Truncated, false)]
    [InlineData(Damage.Zeroed, true)]
    [InlineData(Damage.Zeroed, false)]
    [InlineData(Damage.Garbage, true)]
    public void TearingTheLastRecordAtEveryByteRecoversTheRecordsBeforeIt(Damage damage, bool preallocate)
    {
        // Every byte of the record's header and payload (the padding after them is not data).
        var recordStart = -1L;
        for (var cut = 0; cut < Wal.WalRecord.HeaderSize + LastPayload; cut++)
        {
            var fileSystem = new FaultInjectingFileSystem();
            var segment = WriteWorkload(fileSystem, preallocate);
            if (recordStart < 0)
            {
                recordStart = EndOfRecords(fileSystem, segment) - LastRecordSize;
            }

            // Recovery reports a torn write when anything of the record is left; a record cut before its first non-zero
            // byte just looks like the clean end of the log.
            var kept = ReadFile(fileSystem, segment).AsSpan((int)recordStart, cut);
            var tornLeftovers = damage == Damage.Garbage || kept.ContainsAnyExcept((byte)0);
            Tear(fileSystem, segment, recordStart + cut, recordStart + LastRecordSize, damage, cut);

            using (var store = Open(fileSystem, segmentSize: 16 << 10, preallocate: preallocate))
            {
                Assert.Equal(20UL, store.LastIndex);
                Assert.Equal(new HardState(2, 1, 15), store.HardState);
                AssertEntries(ExpectedEntries(), ReadAll(store));
                if (tornLeftovers)
                {
                    Assert.Equal(segment, store.Recovery.TornWriteFile);
                    Assert.Equal(recordStart, store.Recovery.TornWriteOffset);
                }
                else
                {
                    Assert.Null(store.Recovery.TornWriteFile);
                }

                store.Save(null, [Entry(21, 3, size: 10, salt: 5)]);
            }

            using var reopened = Open(fileSystem, segmentSize: 16 << 10, preallocate: preallocate);
            AssertEntries([.. ExpectedEntries(), Entry(21, 3, size: 10, salt: 5)], ReadAll(reopened));
            Assert.Null(reopened.Recovery.TornWriteFile);
        }
    }

    [Fact]
    public void RemainsOfATornBatchNeverComeBackAfterALaterWriteLinesUpWithThem()
    {
        // A disk may lose a middle sector of a write and keep later ones: the later records of the batch are intact.
        var fileSystem = new FaultInjectingFileSystem();
        using (var store = Open(fileSystem, preallocate: true))
        {
            store.Save(new HardState(1, 1, 5), Entries(1, 5, 1, size: 100));
            store.Save(null, Entries(6, 10, 1, size: 100));
        }

        var segment = Segments(fileSystem).Single();
        var recordSize = Wal.WalRecord.SizeOf(100);
        var secondOfBatch = EndOfRecords(fileSystem, segment) - (4 * recordSize);
        Overwrite(fileSystem, segment, secondOfBatch, new byte[recordSize]);

        using (var store = Open(fileSystem, preallocate: true))
        {
            Assert.Equal(6UL, store.LastIndex);
            Assert.Equal(secondOfBatch, store.Recovery.TornWriteOffset);

            // Same size as the lost record, so without cleaning up, entry 8 of the torn batch would follow it seamlessly.
            store.Save(null, [Entry(7, 2, size: 100, salt: 1)]);
        }

        fileSystem.Crash();
        using var reopened = Open(fileSystem, preallocate: true);
        Assert.Equal(7UL, reopened.LastIndex);
        AssertEntries([.. Entries(1, 6, 1, size: 100), Entry(7, 2, size: 100, salt: 1)], ReadAll(reopened));
    }

    [Fact]
    public void DamageToTheLastRecordIsTakenForATornWrite()
    {
        // A flipped bit in the very last record cannot be told from a torn write; the record was the last one written,
        // so recovery discards it. This is the one place where damage is repaired rather than refused.
        var fileSystem = new FaultInjectingFileSystem();
        var segment = WriteWorkload(fileSystem, preallocate: true);
        var recordStart = EndOfRecords(fileSystem, segment) - LastRecordSize;
        FlipBit(fileSystem, segment, recordStart + 100, 3);

        using var store = Open(fileSystem);
        Assert.Equal(20UL, store.LastIndex);
        Assert.Equal(recordStart, store.Recovery.TornWriteOffset);
    }

    [Fact]
    public void EmptyLastSegmentLeftByACrashWhileRollingIsReused()
    {
        var fileSystem = new FaultInjectingFileSystem();
        using (var store = Open(fileSystem, segmentSize: 4096))
        {
            store.Save(null, Entries(1, 10, 1, size: 300));
            var rolling = false;
            fileSystem.Fault = operation =>
            {
                rolling |= operation.Kind == FileSystemOperationKind.Rename;
                return rolling && operation.Kind == FileSystemOperationKind.Sync ? FaultInjectingFileSystem.InputOutputError(operation.Path) : null;
            };
            Assert.Throws<StorageFailedException>(() => store.Save(null, Entries(11, 20, 1, size: 300)));
        }

        fileSystem.Fault = null;
        fileSystem.Crash(new Random(4));
        using (var store = Open(fileSystem, segmentSize: 4096))
        {
            Assert.Equal(10UL, store.LastIndex);
            store.Save(null, Entries(11, 12, 1));
        }

        using var reopened = Open(fileSystem, segmentSize: 4096);
        AssertEntries([.. Entries(1, 10, 1, size: 300), .. Entries(11, 12, 1)], ReadAll(reopened));
    }

    internal static void FlipBit(FaultInjectingFileSystem fileSystem, string path, long offset, int bit)
    {
        var bytes = new byte[1];
        using var file = fileSystem.OpenFile(path, FileMode.Open);
        file.Read(offset, bytes);
        bytes[0] ^= (byte)(1 << bit);
        file.Write(offset, bytes);
        file.Sync();
    }

    // Offset just past the last non-zero byte, rounded up to a record boundary: where the records end.
    internal static long EndOfRecords(FaultInjectingFileSystem fileSystem, string path)
    {
        var bytes = ReadFile(fileSystem, path);
        return (bytes.AsSpan().LastIndexOfAnyExcept((byte)0) + 8) & ~7L;
    }

    private static LogEntry[] ExpectedEntries() => Entries(1, 20, 2, size: 77);

    // Twenty entries in ten writes, then one last write of a single entry record (no hard state) that the tests tear.
    private static string WriteWorkload(FaultInjectingFileSystem fileSystem, bool preallocate)
    {
        using var store = Open(fileSystem, segmentSize: 16 << 10, preallocate: preallocate);
        foreach (var batch in ExpectedEntries().Chunk(2))
        {
            store.Save(new HardState(2, 1, Math.Min(15, batch[^1].Index)), batch);
        }

        store.Save(null, [Entry(21, 2, size: LastPayload)]);
        return Segments(fileSystem).Single();
    }

    private static void Tear(FaultInjectingFileSystem fileSystem, string path, long from, long to, Damage damage, int seed)
    {
        using var file = fileSystem.OpenFile(path, FileMode.Open);
        switch (damage)
        {
            case Damage.Truncated:
                file.SetLength(from);
                break;
            case Damage.Zeroed:
                file.Write(from, new byte[to - from]);
                break;
            case Damage.Garbage:
                var garbage = new byte[to - from];
                new Random(seed).NextBytes(garbage);
                garbage[0] |= 1;
                file.Write(from, garbage);
                break;
        }

        file.Sync();
    }
}
