using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests;

/// <summary>One node of a simulated cluster: durable storage that survives crashes, and volatile state that does not.</summary>
internal sealed class SimulatedNode(ulong id, ISimulatedStorage storage)
{
    public ulong Id { get; } = id;

    public ISimulatedStorage Storage { get; } = storage;

    public ILogStore? Store { get; set; }

    /// <summary>The running core; null while crashed.</summary>
    public RaftNode? Raft { get; set; }

    public KvStateMachine StateMachine { get; set; } = new();

    public bool Paused { get; set; }

    public bool IsUp => Raft is not null;

    public bool CanAct => Raft is not null && !Paused;

    /// <summary>Reads started here, by read context, waiting for a read index and then for the state machine to catch up.</summary>
    public Dictionary<ulong, ClientOperation> Reads { get; } = [];

    /// <summary>Commit index last seen in this incarnation (it must never go back).</summary>
    public ulong CommitSeen { get; set; }

    /// <summary>The term in which this node was last seen leading, with its last index and term then (leader append-only).</summary>
    public (ulong Term, ulong LastIndex, ulong LastTerm) LeaderView { get; set; }
}
