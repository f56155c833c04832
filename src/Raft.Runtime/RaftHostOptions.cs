using Raft.Core;

namespace Raft.Runtime;

/// <summary>How a <see cref="RaftHost"/> drives its node.</summary>
public sealed class RaftHostOptions
{
    /// <summary>The core's settings (id, configuration, timeouts in ticks, flow control).</summary>
    public required RaftOptions Raft { get; init; }

    /// <summary>Length of one tick of the core's logical clock.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest a proposal or read waits before failing with <see cref="RaftFailureReason.Timeout"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Take a snapshot (and compact the log) after this many applied entries; 0 disables.</summary>
    public ulong SnapshotInterval { get; init; } = 100_000;

    /// <summary>Entries kept in the log behind a snapshot, so that slightly lagging followers catch up without one.</summary>
    public ulong SnapshotTrailingEntries { get; init; } = 10_000;

    /// <summary>Most proposals taken into one batch (one append, one fsync).</summary>
    public int MaxBatchCommands { get; init; } = 4096;

    /// <summary>Most requests queued for the loop before callers are refused.</summary>
    public int MaxQueuedRequests { get; init; } = 65_536;

    /// <summary>Names nodes in log messages (the core knows only numeric ids).</summary>
    public Func<ulong, string> NodeName { get; init; } = id => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Where the host writes snapshots it takes before handing them to the store.</summary>
    public required string SnapshotScratchDirectory { get; init; }
}
