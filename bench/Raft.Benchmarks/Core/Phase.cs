namespace Raft.Benchmarks.Core;

/// <summary>The parts of one driver turn that <see cref="PhaseMeter"/> accounts separately.</summary>
public enum Phase
{
    /// <summary>Taking commands off the proposers' queue.</summary>
    Dequeue,

    /// <summary>RaftNode.Propose.</summary>
    Propose,

    /// <summary>RaftNode.Step of every message in a node's inbox.</summary>
    Step,

    /// <summary>RaftNode.HasReady + GetReady.</summary>
    GetReady,

    /// <summary>ILogStore.Save (and InstallSnapshot).</summary>
    Persist,

    /// <summary>Routing Ready.Messages into the target inboxes.</summary>
    Send,

    /// <summary>Applying committed entries to the state machine.</summary>
    Apply,

    /// <summary>RaftNode.Advance.</summary>
    Advance,

    /// <summary>SaveSnapshot + Compact.</summary>
    Compact,

    /// <summary>RaftNode.Tick.</summary>
    Tick,
}
