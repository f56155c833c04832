using Raft.Core.Storage;

namespace Raft.Simulation.Tests;

/// <summary>One node's durable storage in a simulation: survives crashes, which drop whatever was not made durable.</summary>
public interface ISimulatedStorage : IDisposable
{
    /// <summary>Opens the store as a restarting node would (running recovery).</summary>
    ILogStore Open();

    /// <summary>The node crashed: close without flushing anything that was not yet durable.</summary>
    void Crash();
}
