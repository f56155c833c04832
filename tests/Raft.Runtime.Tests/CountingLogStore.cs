using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Runtime.Tests;

/// <summary>
/// A <see cref="MemoryLogStore"/> that counts its durable writes and, like a real disk, takes a little time for each
/// (<see cref="WriteLatency"/>, the fsync), so that commands arriving meanwhile can share the next write. Snapshot
/// preparation can be held, as a slow disk would hold it (<see cref="HoldSnapshotPreparation"/>).
/// </summary>
internal sealed class CountingLogStore(TimeSpan writeLatency) : ILogStore
{
    private readonly MemoryLogStore inner = new();
    private long saves;
    private long appends;
    private long appendedEntries;
    private readonly ManualResetEventSlim preparationOpen = new(initialState: true);
    private readonly TaskCompletionSource preparationStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TimeSpan WriteLatency { get; } = writeLatency;

    /// <summary>Durable writes (Save calls), with or without entries.</summary>
    public long Saves => Interlocked.Read(ref saves);

    /// <summary>Durable writes that appended entries.</summary>
    public long Appends => Interlocked.Read(ref appends);

    public long AppendedEntries => Interlocked.Read(ref appendedEntries);

    public HardState HardState => inner.HardState;

    public SnapshotMetadata SnapshotMetadata => inner.SnapshotMetadata;

    public ulong FirstIndex => inner.FirstIndex;

    public ulong LastIndex => inner.LastIndex;

    public ulong Term(ulong index) => inner.Term(index);

    public void GetEntries(ulong fromIndex, ulong toIndex, long maxBytes, List<LogEntry> into) => inner.GetEntries(fromIndex, toIndex, maxBytes, into);

    public Snapshot GetSnapshot() => inner.GetSnapshot();

    public void Save(HardState? hardState, ReadOnlySpan<LogEntry> entries)
    {
        inner.Save(hardState, entries);
        Interlocked.Increment(ref saves);
        if (!entries.IsEmpty)
        {
            Interlocked.Increment(ref appends);
            Interlocked.Add(ref appendedEntries, entries.Length);
        }

        if (WriteLatency > TimeSpan.Zero)
        {
            // Simulated fsync time (not synchronisation): the loop is busy here, as it is on a real disk.
            Thread.Sleep(WriteLatency);
        }
    }

    public void InstallSnapshot(Snapshot snapshot) => inner.InstallSnapshot(snapshot);

    public void SaveSnapshot(Snapshot snapshot) => inner.SaveSnapshot(snapshot);

    /// <summary>Completes when a snapshot preparation first starts.</summary>
    public Task SnapshotPreparationStarted => preparationStarted.Task;

    public void HoldSnapshotPreparation() => preparationOpen.Reset();

    public void ReleaseSnapshotPreparation() => preparationOpen.Set();

    public Snapshot PrepareSnapshot(Snapshot snapshot)
    {
        preparationStarted.TrySetResult();
        preparationOpen.Wait();
        return snapshot;
    }

    public void Compact(ulong index) => inner.Compact(index);
}
