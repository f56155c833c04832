using Xunit.Abstractions;

namespace Raft.Server.Tests;

public sealed class MetricsTests(ITestOutputHelper output) : ServerTestBase
{
    private static readonly string[] SeedGauges = ["raft_current_term", "raft_commit_index", "raft_last_applied", "raft_log_length", "raft_state"];

    private static readonly string[] Counters =
    [
        "raft_proposals_total", "raft_commits_total", "raft_applied_total", "raft_elections_total", "raft_leader_changes_total",
        "raft_append_entries_sent_total", "raft_append_entries_received_total", "raft_append_entries_rejected_total",
        "raft_snapshots_sent_total", "raft_snapshots_installed_total",
    ];

    private static readonly string[] Histograms = ["raft_commit_latency_seconds", "raft_fsync_latency_seconds"];

    [Fact]
    public async Task Metrics_has_every_seed_metric_and_the_counters_and_histograms()
    {
        var node = await StartSingleNodeAsync();
        using var response = await node.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        foreach (var gauge in SeedGauges)
        {
            Assert.Equal("gauge", PrometheusText.TypeOf(text, gauge));
            PrometheusText.Value(text, gauge);
        }

        foreach (var counter in Counters)
        {
            Assert.Equal("counter", PrometheusText.TypeOf(text, counter));
            PrometheusText.Value(text, counter);
        }

        foreach (var histogram in Histograms)
        {
            Assert.Equal("histogram", PrometheusText.TypeOf(text, histogram));
            PrometheusText.Value(text, histogram + "_count");
            PrometheusText.Value(text, histogram + "_sum");
            Assert.Contains(histogram + "_bucket{le=\"+Inf\"}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metric_values_follow_the_node_and_move_with_writes()
    {
        var node = await StartSingleNodeAsync();
        var before = await node.MetricsAsync();
        Assert.Equal(2, PrometheusText.Value(before, "raft_state"));
        Assert.True(PrometheusText.Value(before, "raft_current_term") >= 1);
        Assert.True(PrometheusText.Value(before, "raft_leader_changes_total") >= 1, "a node that became leader saw a leader change");

        const int Writes = 10;
        for (var i = 0; i < Writes; i++)
        {
            Assert.True((await node.SetAsync($"k{i}", "v")).Success);
        }

        // Gauges are the loop's picture as of its last turn: wait until it shows the writes applied.
        var status = await node.StatusAsync();
        var after = "";
        await Poll.Eventually(
            async () =>
            {
                after = await node.MetricsAsync();
                return PrometheusText.Value(after, "raft_last_applied") >= PrometheusText.Value(before, "raft_last_applied") + Writes;
            },
            TimeSpan.FromSeconds(5),
            "raft_last_applied shows the writes");

        Assert.Equal(PrometheusText.Value(before, "raft_commit_index") + Writes, PrometheusText.Value(after, "raft_commit_index"));
        Assert.Equal(PrometheusText.Value(after, "raft_commit_index"), PrometheusText.Value(after, "raft_log_length"));
        Assert.Equal(status.GetProperty("current_term").GetUInt64(), PrometheusText.Value(after, "raft_current_term"));
        foreach (var moved in new[] { "raft_proposals_total", "raft_commits_total", "raft_applied_total" })
        {
            Assert.True(PrometheusText.Value(after, moved) >= PrometheusText.Value(before, moved) + Writes, $"{moved} did not count the {Writes} writes");
        }

        Assert.True(PrometheusText.Value(after, "raft_commit_latency_seconds_count") >= PrometheusText.Value(before, "raft_commit_latency_seconds_count") + Writes);
        Assert.True(PrometheusText.Value(after, "raft_commit_latency_seconds_sum") > 0);
        Assert.True(PrometheusText.Value(after, "raft_fsync_latency_seconds_count") > PrometheusText.Value(before, "raft_fsync_latency_seconds_count"));
        Assert.True(PrometheusText.Value(after, "raft_fsync_latency_seconds_sum") > 0);
    }

    [Fact]
    public async Task An_elected_single_node_counts_its_election()
    {
        var node = await StartSingleNodeAsync();

        var text = await node.MetricsAsync();

        // The node started (at least) the election it won.
        Assert.True(PrometheusText.Value(text, "raft_elections_total") >= 1, "raft_elections_total is 0 on a node that won an election");
    }

    [Fact]
    public async Task Metrics_pass_promtool_check()
    {
        var promtool = Promtool.Find();
        if (promtool is null)
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "promtool is not on PATH, and CI=true: CI must install it (Debian package 'prometheus').");
            output.WriteLine("SKIPPED: promtool is not on PATH; install it (Debian package 'prometheus') to check the /metrics format.");
            return;
        }

        var node = await StartSingleNodeAsync();
        await node.SetAsync("k", "v");
        var text = await node.MetricsAsync();

        var (exitCode, promtoolOutput) = await Promtool.CheckMetricsAsync(promtool, text);

        output.WriteLine(promtoolOutput);
        Assert.True(exitCode == 0, $"promtool check metrics exited {exitCode}:\n{promtoolOutput}\n--- metrics ---\n{text}");
    }
}
