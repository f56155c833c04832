namespace Raft.Core;

/// <summary>How the leader is replicating to one follower.</summary>
public enum ProgressState
{
    /// <summary>The leader does not know where the follower's log matches; one AppendEntries at a time until it finds out.</summary>
    Probe,

    /// <summary>The follower's log matches; AppendEntries are pipelined, bounded by the inflight window.</summary>
    Replicate,

    /// <summary>The follower needs entries the leader has compacted; a snapshot is on its way and nothing else is sent.</summary>
    Snapshot,
}
