using System.Diagnostics;
using Raft.Core;
using Raft.Core.Storage;
using Raft.Storage.Wal;

namespace Raft.Storage.Benchmarks;

/// <summary>
/// A store used as a running node uses it: a snapshot and compaction every <see cref="CompactEvery"/> entries, so that
/// the log stays a few segments long and its rolls reuse the files of compacted segments instead of zero-filled new ones.
/// It starts warmed up: <see cref="Open"/> writes a few segments' worth of entries, compacting as it goes, so that
/// recycled files are already in circulation when measuring begins.
/// </summary>
internal sealed class SteadyStateLog : IDisposable
{
    /// <summary>Entries between snapshots: 32 MiB of 1 KiB entries, half a segment (a node's default is 100,000 entries).</summary>
    public const int CompactEvery = 32 << 10;

    private readonly FileLogStore store;
    private readonly ReadOnlyMemory<byte> payload;
    private readonly (int Recycled, int ZeroFilled) filesAtStart;
    private ulong index;
    private ulong snapshotIndex;

    private SteadyStateLog(FileLogStore store, ReadOnlyMemory<byte> payload)
    {
        this.store = store;
        this.payload = payload;
        var warmUp = new LogEntry[1000];
        while (index < 3 * (ulong)(Program.SegmentBytes / WalRecord.SizeOf(payload.Length)))
        {
            Append(warmUp);
            CompactIfDue();
        }

        store.WaitForBackgroundWork();
        filesAtStart = store.SegmentFiles;
        Compactions = new Latencies();
    }

    /// <summary>Time each snapshot + compaction took, in microseconds (not part of the appends measured).</summary>
    public Latencies Compactions { get; private set; } = new();

    /// <summary>Rolls since warm-up that took a recycled file, and zero-filled spares written since warm-up.</summary>
    public (int Recycled, int ZeroFilled) SegmentFilesSinceWarmUp =>
        (store.SegmentFiles.Recycled - filesAtStart.Recycled, store.SegmentFiles.ZeroFilled - filesAtStart.ZeroFilled);

    public static SteadyStateLog Open(string directory, ReadOnlyMemory<byte> payload) =>
        new(FileLogStore.Open(directory, new FileLogStoreOptions { ClusterId = Program.ClusterId }), payload);

    /// <summary>Appends <paramref name="batch"/>.Length entries with one <see cref="FileLogStore.Save"/>.</summary>
    public void Append(LogEntry[] batch)
    {
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = new LogEntry(++index, 1, EntryType.Command, payload);
        }

        store.Save(null, batch);
    }

    /// <summary>Takes a (tiny) snapshot at the last entry and compacts the log up to it, once <see cref="CompactEvery"/> entries have passed.</summary>
    public void CompactIfDue()
    {
        if (index < snapshotIndex + CompactEvery)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        snapshotIndex = index;
        store.SaveSnapshot(new Snapshot(new SnapshotMetadata(index, 1, null), new MemorySnapshotSource(new byte[1024])));
        store.Compact(index);
        Compactions.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
    }

    public void Dispose() => store.Dispose();
}
