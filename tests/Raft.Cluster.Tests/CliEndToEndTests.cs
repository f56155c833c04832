using System.Text.Json;

namespace Raft.Cluster.Tests;

/// <summary>The built raft-cli against a real cluster: every verb, its output and its exit code (README of src/Raft.Cli).</summary>
public sealed class CliEndToEndTests(ITestOutputHelper output) : ClusterTest(output)
{
    [Fact]
    public Task Cli_verbs_work_against_a_real_cluster() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync();
        var (leader, _) = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(20));
        var (a1, a2, a3) = (cluster.Nodes[0].Address.ToString(), cluster.Nodes[1].Address.ToString(), cluster.Nodes[2].Address.ToString());

        var set = await Cli("set", "test", "Hello Cluster!", "--address", a1);
        Assert.True(set.ExitCode == 0 && set.Stdout.Trim() == "OK", set.ToString());

        var get = await Cli("get", "test", "--address", a2);
        Assert.True(get.ExitCode == 0 && get.Stdout.Trim() == "Hello Cluster!", get.ToString());

        var delete = await Cli("delete", "test", "--address", a3);
        Assert.True(delete.ExitCode == 0 && delete.Stdout.Trim() == "OK", delete.ToString());

        var missing = await Cli("get", "test", "--address", a1);
        Assert.True(missing.ExitCode == 3 && missing.Stdout.Length == 0 && missing.Stderr.Contains("(not found)", StringComparison.Ordinal), missing.ToString());

        var health = await Cli("health", "--address", a2);
        Assert.True(health.ExitCode == 0 && health.Stdout.Trim() == "OK", health.ToString());

        var table = await Cli("status", "--address", a3);
        Assert.True(table.ExitCode == 0 && cluster.Nodes.All(n => table.Stdout.Contains(n.Name, StringComparison.Ordinal)), table.ToString());

        var status = await Cli("status", "--json", "--address", a3);
        Assert.True(status.ExitCode == 0, status.ToString());
        using (var report = JsonDocument.Parse(status.Stdout))
        {
            var root = report.RootElement;
            Assert.Equal(leader.Name, root.GetProperty("leader_id").GetString());
            var nodes = root.GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(cluster.Nodes.Select(n => n.Name), nodes.Select(n => n.GetProperty("node_id").GetString()));
            Assert.All(nodes, n => Assert.True(n.GetProperty("reachable").GetBoolean(), n.ToString()));
        }

        var benchmark = await Cli("benchmark", "--operations", "200", "--clients", "4", "--read-ratio", "0.25", "--json", "--address", a1);
        Assert.True(benchmark.ExitCode == 0, benchmark.ToString());
        using (var report = JsonDocument.Parse(benchmark.Stdout))
        {
            var root = report.RootElement;
            Assert.True(root.GetProperty("total").GetInt32() == 200 && root.GetProperty("successes").GetInt32() == 200 && root.GetProperty("failures").GetInt32() == 0
                && root.GetProperty("reads").GetInt32() == 50 && root.GetProperty("writes").GetInt32() == 150, benchmark.Stdout);
            Log($"raft-cli benchmark: {root.GetProperty("throughput_ops_per_sec").GetDouble():0} ops/s, latency {root.GetProperty("latency_us")}");
        }
    });

    private async Task<CliResult> Cli(params string[] arguments)
    {
        var result = await CliProcess.RunAsync(arguments);
        Log($"raft-cli {result.Command} -> exit {result.ExitCode}");
        return result;
    }
}
