namespace Raft.Simulation.Tests;

/// <summary>The outcome of one seeded run.</summary>
public sealed record SimulationResult(int Seed, int Nodes, string? Failure, string ReplayCommand, SimulationStatistics Statistics)
{
    public bool Passed => Failure is null;

    public override string ToString() =>
        Passed ? $"seed {Seed} ({Nodes} nodes): ok, {Statistics}" : $"seed {Seed} ({Nodes} nodes) FAILED: {Failure}\n  replay: {ReplayCommand}";
}
