namespace Raft.Simulation.Tests;

/// <summary>A broken invariant, found by the simulator.</summary>
public sealed class SimulationFailure(string message) : Exception(message);
