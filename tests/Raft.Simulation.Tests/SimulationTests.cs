using Xunit.Abstractions;

namespace Raft.Simulation.Tests;

public sealed class SimulationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void ClustersStaySafeLiveAndLinearizableUnderFaults(int nodes)
    {
        var settings = new SimulationSettings(nodes, SimulationRunner.Steps);
        var results = SimulationRunner.RunSeeds(SimulationRunner.FirstSeed, SimulationRunner.SeedCount, settings);
        var failures = results.Where(r => !r.Passed).ToList();
        foreach (var failure in failures.Take(5))
        {
            output.WriteLine(failure.ToString());
        }

        var totals = Summarise(results);
        output.WriteLine($"{results.Count} seeds x {settings.Steps} steps, {nodes} nodes: {totals}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Count} seeds failed; first: {failures.FirstOrDefault()}");

        // The runs must have exercised what they claim to: elections, crashes, partitions, pauses, snapshots, reads and writes.
        Assert.True(totals.Elections > results.Count, totals.ToString());
        Assert.True(totals.Crashes > 0 && totals.Partitions > 0 && totals.Pauses > 0, totals.ToString());
        Assert.True(totals.SnapshotsTaken > 0 && totals.SnapshotsInstalled > 0, totals.ToString());
        Assert.True(totals.WritesAcknowledged > results.Count && totals.ReadsServed > results.Count && totals.WritesUnknown > 0, totals.ToString());
    }

    /// <summary>
    /// The same simulation over the real file store on a fault-injecting file system, so that every crash exercises its
    /// recovery (torn tails, lost unsynced writes). Slower per step, so fewer seeds by default: RAFT_SIM_FILE_SEEDS.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void ClustersOnTheFileStoreStaySafeThroughCrashes(int nodes)
    {
        var settings = new SimulationSettings(nodes, SimulationRunner.Steps)
        {
            StorageFactory = (id, seed) => new FileSimulatedStorage(id, seed),
            ReplayEnvironment = " RAFT_SIM_STORAGE=file",
        };
        var results = SimulationRunner.RunSeeds(SimulationRunner.FirstSeed, SimulationRunner.EnvironmentInt("RAFT_SIM_FILE_SEEDS", 1000), settings);
        var failures = results.Where(r => !r.Passed).ToList();
        foreach (var failure in failures.Take(5))
        {
            output.WriteLine(failure.ToString());
        }

        var totals = Summarise(results);
        output.WriteLine($"{results.Count} seeds x {settings.Steps} steps, {nodes} nodes, file store: {totals}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {results.Count} seeds failed; first: {failures.FirstOrDefault()}");
        Assert.True(totals.Crashes > results.Count && totals.SnapshotsInstalled > 0, totals.ToString());
    }

    /// <summary>Replays one seed: RAFT_SIM_SEED (default 1), RAFT_SIM_NODES (default 3), RAFT_SIM_STEPS, RAFT_SIM_VARIANT (a broken variant's name), RAFT_SIM_STORAGE=file.</summary>
    [Fact]
    public void ReplaySeed()
    {
        var seed = SimulationRunner.EnvironmentInt("RAFT_SIM_SEED", 1);
        var settings = new SimulationSettings(SimulationRunner.EnvironmentInt("RAFT_SIM_NODES", 3), SimulationRunner.Steps);
        if (Environment.GetEnvironmentVariable("RAFT_SIM_STORAGE") == "file")
        {
            settings = settings with { StorageFactory = (id, s) => new FileSimulatedStorage(id, s), ReplayEnvironment = " RAFT_SIM_STORAGE=file" };
        }

        if (Environment.GetEnvironmentVariable("RAFT_SIM_VARIANT") is { Length: > 0 } variant)
        {
            settings = settings with { NodeFactory = Broken.BrokenVariants.Factory(Enum.Parse<Broken.BrokenVariant>(variant)) };
        }

        var first = ClusterSimulation.Run(seed, settings);
        var second = ClusterSimulation.Run(seed, settings);
        output.WriteLine(first.ToString());
        Assert.Equal(first.ToString(), second.ToString());
        Assert.True(first.Passed, first.ToString());
    }

    private static SimulationStatistics Summarise(IEnumerable<SimulationResult> results)
    {
        var totals = new SimulationStatistics();
        foreach (var s in results.Select(r => r.Statistics))
        {
            totals.Elections += s.Elections;
            totals.Crashes += s.Crashes;
            totals.Partitions += s.Partitions;
            totals.Pauses += s.Pauses;
            totals.WritesAcknowledged += s.WritesAcknowledged;
            totals.WritesUnknown += s.WritesUnknown;
            totals.ReadsServed += s.ReadsServed;
            totals.SnapshotsTaken += s.SnapshotsTaken;
            totals.SnapshotsInstalled += s.SnapshotsInstalled;
            totals.Inconclusive += s.Inconclusive;
            totals.CommitIndex = Math.Max(totals.CommitIndex, s.CommitIndex);
        }

        return totals;
    }
}
