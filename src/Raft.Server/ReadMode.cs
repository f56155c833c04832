namespace Raft.Server;

/// <summary>How GET is served.</summary>
public enum ReadMode
{
    /// <summary>ReadIndex: the leader confirms it still leads before the read is served (default).</summary>
    Linearizable,

    /// <summary>From this node's state machine as it is: fast, possibly stale.</summary>
    Local,
}
