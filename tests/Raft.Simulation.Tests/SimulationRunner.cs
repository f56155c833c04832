using System.Collections.Concurrent;

namespace Raft.Simulation.Tests;

/// <summary>Runs many seeds in parallel; reads the soak knobs from the environment.</summary>
public static class SimulationRunner
{
    /// <summary>Number of seeds per cluster size: RAFT_SIM_SEEDS, default 2,000 (raise it for soak runs).</summary>
    public static int SeedCount => EnvironmentInt("RAFT_SIM_SEEDS", 2000);

    /// <summary>Steps per seed: RAFT_SIM_STEPS, default 20,000.</summary>
    public static int Steps => EnvironmentInt("RAFT_SIM_STEPS", 20000);

    /// <summary>First seed: RAFT_SIM_FIRST_SEED, default 0 (soak runs pick fresh ranges).</summary>
    public static int FirstSeed => EnvironmentInt("RAFT_SIM_FIRST_SEED", 0);

    public static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    /// <summary>Runs seeds [first, first + count); returns every result, failures first.</summary>
    public static IReadOnlyList<SimulationResult> RunSeeds(int first, int count, SimulationSettings settings, bool stopAtFirstFailure = false)
    {
        var results = new ConcurrentBag<SimulationResult>();
        var failed = 0;
        Parallel.For(first, first + count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (seed, state) =>
        {
            if (stopAtFirstFailure && Volatile.Read(ref failed) != 0)
            {
                state.Stop();
                return;
            }

            var result = ClusterSimulation.Run(seed, settings);
            results.Add(result);
            if (!result.Passed)
            {
                Interlocked.Exchange(ref failed, 1);
            }
        });
        return results.OrderBy(r => r.Passed).ThenBy(r => r.Seed).ToList();
    }
}
