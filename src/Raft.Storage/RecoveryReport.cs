namespace Raft.Storage;

/// <summary>What opening a <see cref="FileLogStore"/> found and repaired, for the node's log at start-up.</summary>
public sealed class RecoveryReport
{
    public int SegmentsScanned { get; internal set; }

    /// <summary>Bytes of intact records read and checksummed.</summary>
    public long BytesScanned { get; internal set; }

    public long EntriesScanned { get; internal set; }

    /// <summary>The segment whose last write was torn by a crash and discarded, if any.</summary>
    public string? TornWriteFile { get; internal set; }

    /// <summary>Where the discarded torn write began in <see cref="TornWriteFile"/>.</summary>
    public long TornWriteOffset { get; internal set; }

    /// <summary>Whether a snapshot installation that a crash interrupted was rolled back (the log was kept as before it).</summary>
    public bool SnapshotInstallRolledBack { get; internal set; }

    /// <summary>Temporary files (unfinished snapshots, spare and recycled segment files) that were removed.</summary>
    public int TemporaryFilesRemoved { get; internal set; }

    public TimeSpan Duration { get; internal set; }

    public override string ToString() =>
        $"scanned {SegmentsScanned} segments, {EntriesScanned} entries, {BytesScanned} bytes in {Duration.TotalMilliseconds:F0} ms"
        + (TornWriteFile is null ? string.Empty : $"; discarded a torn write at {TornWriteFile}:{TornWriteOffset}")
        + (SnapshotInstallRolledBack ? "; rolled back an interrupted snapshot installation" : string.Empty);
}
