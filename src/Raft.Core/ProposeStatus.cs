namespace Raft.Core;

public enum ProposeStatus
{
    /// <summary>Appended to the leader's log; not yet committed.</summary>
    Accepted,

    /// <summary>This node is not the leader; <see cref="ProposeResult.LeaderHint"/> names the leader if known.</summary>
    NotLeader,

    /// <summary>The leader has too many uncommitted bytes (backpressure); retry later.</summary>
    Overloaded,
}
