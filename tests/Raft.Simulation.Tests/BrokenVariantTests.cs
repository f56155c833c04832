using Raft.Simulation.Tests.Broken;
using Xunit.Abstractions;

namespace Raft.Simulation.Tests;

/// <summary>The simulator proves it can fail: each known bug is caught within the CI seed budget.</summary>
public sealed class BrokenVariantTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(BrokenVariant.CommitsEarlierTermByCounting)]
    [InlineData(BrokenVariant.VotesWithoutLogCheck)]
    [InlineData(BrokenVariant.ForgetsVoteOnRestart)]
    [InlineData(BrokenVariant.TruncatesOnStaleAppend)]
    [InlineData(BrokenVariant.ReadsWithoutLeadershipCheck)]
    public void SimulatorCatchesBrokenVariant(BrokenVariant variant)
    {
        var runs = 0;
        var caught = new List<SimulationResult>();
        foreach (var nodes in new[] { 3, 5 })
        {
            var settings = new SimulationSettings(nodes, SimulationRunner.Steps)
            {
                NodeFactory = BrokenVariants.Factory(variant),
                ReplayEnvironment = $" RAFT_SIM_VARIANT={variant}",
            };
            var results = SimulationRunner.RunSeeds(0, SimulationRunner.SeedCount, settings);
            runs += results.Count;
            caught.AddRange(results.Where(r => !r.Passed));
        }

        output.WriteLine($"{variant}: caught by {caught.Count} of {runs} runs; first: {caught.FirstOrDefault()}");
        Assert.True(caught.Count > 0, $"{variant} survived all {runs} runs (the CI budget for 3 and 5 nodes): the simulator cannot see this bug.");
    }
}
