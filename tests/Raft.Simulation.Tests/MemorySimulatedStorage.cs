using Raft.Core.Storage;

namespace Raft.Simulation.Tests;

/// <summary>Memory storage: every completed write is durable, so a crash loses only what the driver had not yet written.</summary>
public sealed class MemorySimulatedStorage : ISimulatedStorage
{
    private readonly MemoryLogStore store = new();

    public ILogStore Open() => store;

    public void Crash()
    {
    }

    public void Dispose()
    {
    }
}
