using Raft.Core;
using Raft.Storage.Testing;
using Raft.Storage.Wal;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>Damage to acknowledged data is never skipped: the store refuses to open and says where and what to do.</summary>
public sealed class CorruptionTests
{
    private readonly FaultInjectingFileSystem fileSystem = new();

    [Fact]
    public void BitFlipInAnyAcknowledgedRecordStopsTheOpenAtThatRecord()
    {
        var records = WriteWorkload();
        var checkedRecords = 0;
        foreach (var (path, offset, size, lastBatch, _) in records)
        {
            if (lastBatch)
            {
                continue;
            }

            // A byte of the checksum, the length, the index and the payload (the last byte of the header when there is none).
            foreach (var at in new[] { 1, 5, 17, size - 1 }.Where(at => at < size).Distinct())
            {
                var damaged = new FaultInjectingFileSystem();
                WriteWorkload(damaged);
                TornWriteTests.FlipBit(damaged, path, offset + at, at % 8);

                var error = Record.Exception(() => Open(damaged).Dispose()) as StorageCorruptionException;

                Assert.True(error is not null, $"no corruption reported for a flip at {path}:{offset}+{at}");

                Assert.Equal(path, error.FilePath);
                Assert.Equal(offset, error.Offset);
                Assert.Contains(path, error.Message, StringComparison.Ordinal);
                Assert.Contains($"byte offset {offset}", error.Message, StringComparison.Ordinal);
                Assert.Contains("What to do", error.Message, StringComparison.Ordinal);
            }

            checkedRecords++;
        }

        Assert.True(checkedRecords > 30, $"only {checkedRecords} records checked");
    }

    [Fact]
    public void BitFlipFoundWhileReadingStopsTheStore()
    {
        var records = WriteWorkload();
        var (path, offset, _, _, _) = records.First(record => record.Kind == WalRecordKind.Entry);

        // Damage that happens while the node runs: the entries are not cached, so the read goes to the disk.
        using var store = Open(fileSystem, cache: 0);
        TornWriteTests.FlipBit(fileSystem, path, offset + WalRecord.HeaderSize, 0);

        var error = Assert.Throws<StorageCorruptionException>(() => ReadAll(store));
        Assert.Equal(path, error.FilePath);
        Assert.True(store.IsFailed);
        Assert.Throws<StorageFailedException>(() => store.Save(new HardState(9, 9, 0), []));
    }

    [Fact]
    public void MissingSegmentIsReportedAsMissingEntries()
    {
        WriteWorkload();
        var segments = Segments(fileSystem);
        fileSystem.DeleteFile(segments[1]);
        fileSystem.SyncDirectory(Path.GetDirectoryName(segments[1])!);

        var error = Assert.Throws<StorageCorruptionException>(() => Open(fileSystem).Dispose());

        Assert.Equal(segments[2], error.FilePath);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SegmentWithTheWrongSequenceIsRefused()
    {
        WriteWorkload();
        var segments = Segments(fileSystem);
        var renamed = Path.Combine(Path.GetDirectoryName(segments[^1])!, WalSegment.FileName(999, 1));
        fileSystem.Rename(segments[^1], renamed);
        fileSystem.SyncDirectory(Path.GetDirectoryName(renamed)!);

        var error = Assert.Throws<StorageCorruptionException>(() => Open(fileSystem).Dispose());

        Assert.Equal(renamed, error.FilePath);
        Assert.Equal(0, error.Offset);
    }

    [Fact]
    public void DamagedSnapshotDataStopsTheOpen()
    {
        var path = WriteSnapshot();
        TornWriteTests.FlipBit(fileSystem, path, 200, 1);

        var error = Assert.Throws<StorageCorruptionException>(() => Open(fileSystem).Dispose());

        Assert.Equal(path, error.FilePath);
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedSnapshotDataIsCaughtByItsReaderWhenNotVerifiedOnOpen()
    {
        var path = WriteSnapshot();
        TornWriteTests.FlipBit(fileSystem, path, 200, 1);

        using var store = FileLogStore.Open(Root, Options(fileSystem) with { VerifySnapshotOnOpen = false });
        var error = Assert.Throws<StorageCorruptionException>(() => ReadSnapshotData(store.GetSnapshot().Source));

        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void DamagedSnapshotHeaderStopsTheOpenEvenWithoutVerification()
    {
        var path = WriteSnapshot();
        TornWriteTests.FlipBit(fileSystem, path, 20, 1);

        var error = Assert.Throws<StorageCorruptionException>(() => FileLogStore.Open(Root, Options(fileSystem) with { VerifySnapshotOnOpen = false }).Dispose());

        Assert.Equal(path, error.FilePath);
        Assert.Equal(0, error.Offset);
    }

    private string WriteSnapshot()
    {
        using (var store = Open(fileSystem))
        {
            store.Save(null, Entries(1, 10, 1));
            store.SaveSnapshot(Snapshot(8, 1, 5000, new ClusterConfiguration([1])));
        }

        return Path.Combine(Root, "snap", fileSystem.GetFileNames(Path.Combine(Root, "snap")).Single());
    }

    private List<(string Path, long Offset, int Size, bool LastBatch, WalRecordKind Kind)> WriteWorkload() => WriteWorkload(fileSystem);

    // Forty entries in twenty writes over several segments; returns where every record is and how many bytes of it are
    // checksummed (header and payload, not the padding).
    private static List<(string Path, long Offset, int Size, bool LastBatch, WalRecordKind Kind)> WriteWorkload(FaultInjectingFileSystem fileSystem)
    {
        using (var store = Open(fileSystem, segmentSize: 4096))
        {
            foreach (var batch in Entries(1, 40, 1, size: 150).Chunk(2))
            {
                store.Save(new HardState(1, 1, batch[0].Index), batch);
            }
        }

        var records = new List<(string, long, int, bool, WalRecordKind)>();
        var segments = Segments(fileSystem);
        foreach (var path in segments)
        {
            var bytes = ReadFile(fileSystem, path);
            long offset = 0;
            var lastBatchStart = -1L;
            var found = new List<(long Offset, int Size, WalRecordKind Kind)>();
            while (offset + WalRecord.HeaderSize <= bytes.Length && WalRecord.TryReadHeader(bytes.AsSpan((int)offset), bytes.Length - offset, out var header))
            {
                found.Add((offset, WalRecord.HeaderSize + header.PayloadLength, header.Kind));
                lastBatchStart = offset - header.BatchOffset;
                offset += header.Size;
            }

            var isLastSegment = path == segments[^1];
            records.AddRange(found.Select(record => (path, record.Offset, record.Size, isLastSegment && record.Offset >= lastBatchStart, record.Kind)));
        }

        return records;
    }
}
