using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests;

/// <summary>What a simulation run varies besides its seed.</summary>
public sealed record SimulationSettings(int Nodes, int Steps)
{
    /// <summary>Builds the node under test; the broken variants substitute subclasses with known bugs.</summary>
    public Func<RaftOptions, ILogStore, RaftNode> NodeFactory { get; init; } = (options, store) => new RaftNode(options, store);

    /// <summary>Builds one node's storage, given the node id and the run's seed.</summary>
    public Func<ulong, int, ISimulatedStorage> StorageFactory { get; init; } = (_, _) => new MemorySimulatedStorage();

    /// <summary>Words for the replay command line that reproduce these settings (besides the seed).</summary>
    public string ReplayEnvironment { get; init; } = "";
}
