namespace Raft.Runtime;

/// <summary>Why a request to the host did not succeed.</summary>
public enum RaftFailureReason
{
    /// <summary>This node is not the leader (the leader, if known, is in the exception).</summary>
    NotLeader,

    /// <summary>No leader is known: an election is in progress or there is no quorum.</summary>
    NoLeader,

    /// <summary>The entry was proposed but another entry was committed at its index: it did not happen.</summary>
    NotCommitted,

    /// <summary>The deadline passed. For a write the outcome is unknown: it may still commit.</summary>
    Timeout,

    /// <summary>The leader has too much uncommitted data; retry later.</summary>
    Overloaded,

    /// <summary>The node is stopping.</summary>
    ShuttingDown,

    /// <summary>The node's storage failed; it has stopped serving (fail-stop).</summary>
    StorageFailed,
}
