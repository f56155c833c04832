namespace Raft.Storage.Wal;

/// <summary>What a write-ahead-log record holds. The values are part of the on-disk format.</summary>
internal enum WalRecordKind : byte
{
    /// <summary>
    /// First record of every segment: the header's index field holds the segment's sequence number, the payload
    /// <see cref="WalRecord.SegmentMagic"/> and flags (whether the file is a recycled segment).
    /// </summary>
    SegmentStart = 1,

    /// <summary>A log entry: index, term, entry type and payload.</summary>
    Entry = 2,

    /// <summary>The hard state (term, vote, commit) as a 24-byte payload; the last one in the log is in force.</summary>
    HardState = 3,

    /// <summary>The log was replaced by the snapshot whose index and term the header carries (InstallSnapshot).</summary>
    SnapshotInstalled = 4,

    /// <summary>
    /// Last record of every segment but the newest, written and synced before the next segment's file is named: what
    /// follows it is ignored (stale bytes of a recycled file's earlier life), and a sealed segment is known to be complete.
    /// </summary>
    SegmentEnd = 5,
}
