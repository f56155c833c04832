using Raft.Storage.IO;

namespace Raft.Storage;

/// <summary>How a <see cref="FileLogStore"/> is opened. Only <see cref="ClusterId"/> is required; the defaults suit production.</summary>
public sealed record FileLogStoreOptions
{
    /// <summary>The cluster this node's data belongs to: recorded when the directory is created, and checked on every open.</summary>
    public required string ClusterId { get; init; }

    /// <summary>
    /// The cluster's voting members as the node is configured (any stable text, e.g. the sorted member names): recorded
    /// when the directory is created, and checked on every open when both sides have it. Without membership changes in the
    /// log, restarting a node with other peers is unsafe: a log committed by a one-node cluster is not committed in a
    /// three-node one, yet the node has applied it. Null records and checks nothing.
    /// </summary>
    public string? Members { get; init; }

    /// <summary>Where files live: real files by default; a <see cref="Testing.FaultInjectingFileSystem"/> in crash tests and simulation.</summary>
    public IFileSystem FileSystem { get; init; } = PhysicalFileSystem.Instance;

    /// <summary>Create the directory layout when the directory is missing or empty. False for a node that must find its existing data.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>Size at which the log moves on to a new segment file; whole segments are what compaction deletes or recycles.</summary>
    public long SegmentSize { get; init; } = 64L << 20;

    /// <summary>
    /// Give each segment file its full <see cref="SegmentSize"/> before use, so that appends overwrite allocated blocks and
    /// each fsync writes no file-system metadata (much faster on ext4): the file of a segment that compaction made obsolete
    /// is recycled, and only when none is waiting is a new file zero-filled. Costs up to three segments of disk space ahead
    /// (a zero-filled spare and up to two recycled files).
    /// </summary>
    public bool PreallocateSegments { get; init; } = true;

    /// <summary>Preallocate the next segment on a background thread; false does it on the append that needs it (deterministic, for simulation).</summary>
    public bool PrepareSegmentsInBackground { get; init; } = true;

    /// <summary>Memory for recent entries served without reading the disk.</summary>
    public long EntryCacheSize { get; init; } = 64L << 20;

    /// <summary>Snapshot files kept (the newest ones); at least 1.</summary>
    public int SnapshotsToKeep { get; init; } = 2;

    /// <summary>Read the latest snapshot once on open to check its checksum, so that damage stops the node at start.</summary>
    public bool VerifySnapshotOnOpen { get; init; } = true;

    /// <summary>
    /// UNSAFE: never fsync. A crash can then lose acknowledged writes, which breaks Raft's safety (a node can forget a vote
    /// or entries it acknowledged). Only for tests and benchmarks that measure something else; never in production.
    /// </summary>
    public bool UnsafeNoFsync { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId) || ClusterId.Length > 256 || ClusterId.Any(char.IsControl) || ClusterId != ClusterId.Trim())
        {
            throw new ArgumentException("The cluster id must be 1-256 printable characters without surrounding spaces.", nameof(ClusterId));
        }

        ArgumentNullException.ThrowIfNull(FileSystem);
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentSize, 4096L, nameof(SegmentSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SegmentSize, 1L << 30, nameof(SegmentSize));
        ArgumentOutOfRangeException.ThrowIfNegative(EntryCacheSize, nameof(EntryCacheSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(SnapshotsToKeep, 1, nameof(SnapshotsToKeep));
    }
}
