namespace Raft.Core.Storage;

/// <summary>
/// The durable part of a node: its log, hard state and latest snapshot. The core only reads through it; the driver writes
/// what a <see cref="Ready"/> tells it to, and every write method returns only once the data is on stable storage.
/// Indexes: the log holds entries <see cref="FirstIndex"/>..<see cref="LastIndex"/>; the entry just before the first
/// (at <c>FirstIndex - 1</c>) is covered by the snapshot, whose term is still known.
/// Implementations are used from one thread at a time (the loop that owns the node).
/// </summary>
public interface ILogStore
{
    /// <summary>The last hard state saved (empty for a new node).</summary>
    HardState HardState { get; }

    /// <summary>What the latest snapshot covers (<see cref="SnapshotMetadata.Empty"/> if none).</summary>
    SnapshotMetadata SnapshotMetadata { get; }

    /// <summary>Index of the first entry held: the snapshot's index + 1.</summary>
    ulong FirstIndex { get; }

    /// <summary>Index of the last entry held, or the snapshot's index when the log is empty.</summary>
    ulong LastIndex { get; }

    /// <summary>Term of the entry at <paramref name="index"/>, for <c>FirstIndex - 1 &lt;= index &lt;= LastIndex</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is compacted or beyond the log.</exception>
    ulong Term(ulong index);

    /// <summary>
    /// Adds entries <c>[fromIndex, toIndex)</c> to <paramref name="into"/>, stopping once <paramref name="maxBytes"/> would be
    /// exceeded but always returning at least one entry when the range is not empty.
    /// </summary>
    void GetEntries(ulong fromIndex, ulong toIndex, long maxBytes, List<LogEntry> into);

    /// <summary>The latest snapshot, to send to a follower that is behind <see cref="FirstIndex"/>.</summary>
    Snapshot GetSnapshot();

    /// <summary>
    /// Durably appends <paramref name="entries"/> (contiguous; the first may be at or below <see cref="LastIndex"/>, in which case
    /// the conflicting suffix from there on is replaced) and then, if given, the hard state. One call is one durable write.
    /// </summary>
    void Save(HardState? hardState, ReadOnlySpan<LogEntry> entries);

    /// <summary>Durably replaces the whole log by a snapshot received from the leader; afterwards FirstIndex = snapshot index + 1.</summary>
    void InstallSnapshot(Snapshot snapshot);

    /// <summary>Durably records a snapshot the local state machine took at an applied index; the log is not changed.</summary>
    void SaveSnapshot(Snapshot snapshot);

    /// <summary>
    /// Does the costly part of <see cref="SaveSnapshot"/>, writing the snapshot's data durably, on the calling thread, which
    /// need not be the one that writes the log (calls to this method must not overlap one another): the thread that owns
    /// the log then only publishes the result with <see cref="SaveSnapshot"/>, so that a large snapshot does not hold up
    /// heartbeats. Nothing is visible until then; a result never saved is cleaned up by the store. By default the snapshot
    /// is returned as it is and <see cref="SaveSnapshot"/> does all the work.
    /// </summary>
    Snapshot PrepareSnapshot(Snapshot snapshot) => snapshot;

    /// <summary>Drops entries up to and including <paramref name="index"/>, which must be covered by the saved snapshot.</summary>
    void Compact(ulong index);
}
