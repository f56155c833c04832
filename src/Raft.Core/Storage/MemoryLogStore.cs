using System.Runtime.InteropServices;

namespace Raft.Core.Storage;

/// <summary>
/// An <see cref="ILogStore"/> held in memory: for tests, simulation and benchmarks. "Durable" here means "survives the
/// loss of the <see cref="RaftNode"/> object", which is what the simulator's crashes discard.
/// </summary>
public sealed class MemoryLogStore : ILogStore
{
    // entries[0] is a sentinel for the snapshot boundary: its index is FirstIndex - 1 and its term the snapshot's term.
    private readonly List<LogEntry> entries = [default];
    private Snapshot snapshot = Snapshot.Empty;

    public HardState HardState { get; private set; }

    public SnapshotMetadata SnapshotMetadata => snapshot.Metadata;

    public ulong FirstIndex => entries[0].Index + 1;

    public ulong LastIndex => entries[0].Index + (ulong)(entries.Count - 1);

    /// <summary>Number of durable writes so far (one per <see cref="Save"/> with content).</summary>
    public long WriteCount { get; private set; }

    public ulong Term(ulong index)
    {
        var offset = entries[0].Index;
        if (index < offset || index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Log holds [{offset}, {LastIndex}].");
        }

        return entries[(int)(index - offset)].Term;
    }

    public void GetEntries(ulong fromIndex, ulong toIndex, long maxBytes, List<LogEntry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (fromIndex < FirstIndex || toIndex > LastIndex + 1 || fromIndex > toIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(fromIndex), $"[{fromIndex}, {toIndex}) is outside [{FirstIndex}, {LastIndex + 1}).");
        }

        var range = CollectionsMarshal.AsSpan(entries).Slice((int)(fromIndex - entries[0].Index), (int)(toIndex - fromIndex));
        long bytes = 0;
        var count = 0;
        while (count < range.Length)
        {
            bytes += range[count].Size;
            if (bytes > maxBytes && count > 0)
            {
                break;
            }

            count++;
        }

        into.AddRange(range[..count]);
    }

    public Snapshot GetSnapshot() => snapshot;

    public void Save(HardState? hardState, ReadOnlySpan<LogEntry> newEntries)
    {
        if (!newEntries.IsEmpty)
        {
            var first = newEntries[0].Index;
            if (first < FirstIndex || first > LastIndex + 1)
            {
                throw new ArgumentOutOfRangeException(nameof(newEntries), $"First entry {first} does not continue the log [{FirstIndex}, {LastIndex}].");
            }

            var keep = (int)(first - entries[0].Index);
            entries.RemoveRange(keep, entries.Count - keep);
            entries.AddRange(newEntries);
        }

        if (hardState is { } state)
        {
            HardState = state;
        }

        if (hardState is not null || !newEntries.IsEmpty)
        {
            WriteCount++;
        }
    }

    public void InstallSnapshot(Snapshot newSnapshot)
    {
        ArgumentNullException.ThrowIfNull(newSnapshot);
        snapshot = Keep(newSnapshot);
        entries.Clear();
        entries.Add(new LogEntry(newSnapshot.Metadata.Index, newSnapshot.Metadata.Term, EntryType.Noop, default));
        if (HardState.Commit < newSnapshot.Metadata.Index)
        {
            HardState = HardState with { Commit = newSnapshot.Metadata.Index };
        }
    }

    public void SaveSnapshot(Snapshot newSnapshot)
    {
        ArgumentNullException.ThrowIfNull(newSnapshot);
        if (newSnapshot.Metadata.Index <= snapshot.Metadata.Index)
        {
            return;
        }

        if (newSnapshot.Metadata.Index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(newSnapshot), "A local snapshot cannot be ahead of the log.");
        }

        snapshot = Keep(newSnapshot);
    }

    /// <summary>This store owns what it saved: a snapshot whose data lives elsewhere (a file the caller may delete) is copied in.</summary>
    private static Snapshot Keep(Snapshot snapshot) => snapshot with { Source = MemorySnapshotSource.CopyOf(snapshot.Source) };

    public void Compact(ulong index)
    {
        if (index > snapshot.Metadata.Index)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Only entries covered by the snapshot (up to {snapshot.Metadata.Index}) may be compacted.");
        }

        var offset = entries[0].Index;
        if (index <= offset)
        {
            return;
        }

        var drop = (int)(index - offset);
        var boundary = entries[drop];
        entries.RemoveRange(0, drop);
        entries[0] = boundary with { Data = default };
    }
}
