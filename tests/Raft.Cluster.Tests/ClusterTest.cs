using System.Diagnostics;
using System.Globalization;

namespace Raft.Cluster.Tests;

/// <summary>
/// Base of the cluster tests: creates clusters, bounds each scenario's run time, writes the server processes' output to the
/// test output when the scenario fails, and kills every process (by pid) and deletes every data directory afterwards.
/// </summary>
public abstract class ClusterTest(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ScenarioLimit = TimeSpan.FromSeconds(100);

    private readonly List<LocalCluster> clusters = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        foreach (var cluster in clusters)
        {
            cluster.Dispose();
        }

        return Task.CompletedTask;
    }

    private protected LocalCluster CreateCluster(ClusterOptions options)
    {
        var cluster = LocalCluster.Create(options);
        clusters.Add(cluster);
        return cluster;
    }

    /// <summary>Creates and starts a cluster and waits for its first leader.</summary>
    private protected async Task<LocalCluster> StartClusterAsync(ClusterOptions? options = null)
    {
        var cluster = CreateCluster(options ?? new ClusterOptions());
        cluster.StartAll();
        var (leader, status) = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        Log($"cluster up: leader {leader.Name} in term {status.CurrentTerm}");
        return cluster;
    }

    /// <summary>Runs the scenario; if it fails (or runs too long), the servers' output goes to the test output.</summary>
    private protected async Task RunAsync(Func<Task> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            await scenario().WaitAsync(ScenarioLimit).ConfigureAwait(false);
            if (Environment.GetEnvironmentVariable("RAFT_CLUSTER_TESTS_SHOW_LOGS") == "1")
            {
                foreach (var cluster in clusters)
                {
                    output.WriteLine(await cluster.DiagnosticsAsync().ConfigureAwait(false));
                    output.WriteLine(cluster.Output());
                }
            }
        }
        catch (Exception)
        {
            foreach (var cluster in clusters)
            {
                output.WriteLine(await cluster.DiagnosticsAsync().ConfigureAwait(false));
                output.WriteLine(cluster.Output());
            }

            throw;
        }
    }

    private protected void Log(string message) =>
        output.WriteLine($"[{clock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s] {message}");
}
