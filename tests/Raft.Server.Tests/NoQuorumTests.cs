using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Raft.Server.Tests;

public sealed class NoQuorumTests : ServerTestBase
{
    private const int RequestTimeoutMs = 1000;

    // Generous slack over the request timeout for a busy machine; a hang would be far beyond it.
    private static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(RequestTimeoutMs + 1500);

    [Fact]
    public async Task The_last_node_of_three_a_former_follower_refuses_writes_with_503_and_a_retry_hint()
    {
        var cluster = await StartClusterAsync(3, s => s["RAFT_REQUEST_TIMEOUT_MS"] = RequestTimeoutMs.ToString(CultureInfo.InvariantCulture));
        var leader = await cluster.WaitForLeaderAsync();
        var lonely = cluster.Nodes.First(n => n != leader);
        Assert.True((await lonely.SetAsync("k", "committed")).Success);

        foreach (var node in cluster.Nodes.Where(n => n != lonely))
        {
            await node.StopAsync();
        }

        await AssertWritesRefusedAsync(lonely);

        // Once it has given up on the old leader it still refuses; it never claims to lead alone.
        await Poll.Eventually(
            async () => (await lonely.StatusAsync()).GetProperty("leader_id").ValueKind == System.Text.Json.JsonValueKind.Null,
            TimeSpan.FromSeconds(10),
            "the lone node forgets the stopped leader");
        Assert.NotEqual(2, (await lonely.StatusAsync()).GetProperty("state").GetInt32());
        await AssertWritesRefusedAsync(lonely);
    }

    [Fact]
    public async Task The_last_node_of_three_a_former_leader_refuses_writes_with_503_within_the_request_timeout()
    {
        var cluster = await StartClusterAsync(3, s => s["RAFT_REQUEST_TIMEOUT_MS"] = RequestTimeoutMs.ToString(CultureInfo.InvariantCulture));
        var lonely = await cluster.WaitForLeaderAsync();
        Assert.True((await lonely.SetAsync("k", "committed")).Success);

        foreach (var node in cluster.Nodes.Where(n => n != lonely))
        {
            await node.StopAsync();
        }

        // Right away it may still believe it leads (the write times out); later it steps down (no leader). Neither is a 200.
        await AssertWritesRefusedAsync(lonely);
        await Poll.Eventually(
            async () => (await lonely.StatusAsync()).GetProperty("state").GetInt32() != 2,
            TimeSpan.FromSeconds(10),
            "the leader without a quorum steps down");
        await AssertWritesRefusedAsync(lonely);

        // A linearizable read needs a quorum as well.
        var read = await lonely.GetAsync("k");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.Status);
    }

    private static async Task AssertWritesRefusedAsync(ServerNode node)
    {
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var response = i % 2 == 0
                ? await node.SetAsync($"refused-{i}", "v")
                : await node.SendAsync(HttpMethod.Put, $"/v1/kv/refused-{i}", "v");
            watch.Stop();

            Assert.True(response.Status == HttpStatusCode.ServiceUnavailable, $"a write without a quorum answered {response}");
            Assert.True(response.RetryAfterMs is > 0, $"no retry_after_ms: {response}");
            Assert.True(
                int.TryParse(response.RetryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= 1,
                $"Retry-After header '{response.RetryAfter}' is not a positive number of seconds");
            Assert.True(watch.Elapsed < Bound, $"the refusal took {watch.ElapsedMilliseconds} ms with RAFT_REQUEST_TIMEOUT_MS={RequestTimeoutMs}");
        }
    }
}
