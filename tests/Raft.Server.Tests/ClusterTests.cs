using System.Net;

namespace Raft.Server.Tests;

public sealed class ClusterTests : ServerTestBase
{
    [Fact]
    public async Task Three_nodes_elect_one_leader_that_every_node_reports()
    {
        var cluster = await StartClusterAsync(3);

        var leader = await cluster.WaitForLeaderAsync();

        foreach (var node in cluster.Nodes)
        {
            var status = await node.StatusAsync();
            Assert.Equal(node.Name, status.GetProperty("node_id").GetString());
            Assert.Equal(node == leader ? 2 : 0, status.GetProperty("state").GetInt32());
            Assert.Equal(leader.Name, status.GetProperty("leader_id").GetString());
            var peers = status.GetProperty("peers").EnumerateArray().Select(p => p.GetString() ?? "").Order().ToList();
            Assert.Equal(cluster.Nodes.Where(n => n != node).Select(n => n.Name).Order().ToList(), peers);
        }

        // The metrics agree: the leader sends AppendEntries (heartbeats included), the followers receive them.
        Assert.True((await leader.SetAsync("k", "v")).Success);
        foreach (var node in cluster.Nodes)
        {
            var metrics = await node.MetricsAsync();
            Assert.Equal(node == leader ? 2 : 0, PrometheusText.Value(metrics, "raft_state"));
            var counter = node == leader ? "raft_append_entries_sent_total" : "raft_append_entries_received_total";
            Assert.True(PrometheusText.Value(metrics, counter) > 0, $"{counter} is 0 on {node.Name}");
        }
    }

    [Fact]
    public async Task A_write_through_every_node_is_forwarded_to_the_leader_and_readable_from_every_node()
    {
        var cluster = await StartClusterAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        var proposalsBefore = await ProposalsAsync(cluster);

        foreach (var writer in cluster.Nodes)
        {
            var set = await writer.SetAsync($"via-{writer.Name}", $"value from {writer.Name}");
            Assert.True(set.Status == HttpStatusCode.OK, $"SET through {writer.Name} ({(writer == leader ? "leader" : "follower")}): {set}");
            Assert.Equal("""{"success":true,"result":null,"error":null}""", set.Body);

            // Linearizable reads: every node, followers included, sees the write as soon as it was acknowledged.
            foreach (var reader in cluster.Nodes)
            {
                var get = await reader.GetAsync($"via-{writer.Name}");
                Assert.True(get.Status == HttpStatusCode.OK, $"GET on {reader.Name} of a write through {writer.Name}: {get}");
                Assert.Equal($"value from {writer.Name}", get.Result);
            }
        }

        // REST writes are forwarded too, and DELETE through a follower works.
        var follower = cluster.Nodes.First(n => n != leader);
        Assert.Equal(HttpStatusCode.OK, (await follower.SendAsync(HttpMethod.Put, "/v1/kv/rest", "r")).Status);
        Assert.Equal("r", (await leader.SendAsync(HttpMethod.Get, "/v1/kv/rest")).Result);
        Assert.Equal(HttpStatusCode.OK, (await follower.DeleteAsync("rest")).Status);
        foreach (var reader in cluster.Nodes)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("rest")).Status);
        }

        // Each acknowledged write was proposed exactly once, on whichever node led: forwarding never proposes twice.
        // (Counted as proposals, not commit index: a re-election on a busy machine adds the new leader's no-op entry.)
        Assert.Equal(proposalsBefore + 5, await ProposalsAsync(cluster));
    }

    private static async Task<double> ProposalsAsync(ServerCluster cluster)
    {
        double total = 0;
        foreach (var node in cluster.Nodes)
        {
            total += PrometheusText.Value(await node.MetricsAsync(), "raft_proposals_total");
        }

        return total;
    }

    [Fact]
    public async Task Set_on_node_1_then_get_on_node_2()
    {
        var cluster = await StartClusterAsync(3);
        await cluster.WaitForLeaderAsync();

        Assert.True((await cluster["node-1"].SetAsync("test", "Hello Cluster!")).Success);
        var get = await cluster["node-2"].GetAsync("test");

        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("""{"success":true,"result":"Hello Cluster!","error":null}""", get.Body);
    }

    [Fact]
    public async Task When_the_leader_stops_the_other_two_elect_a_new_leader_and_serve_writes()
    {
        var cluster = await StartClusterAsync(3);
        var first = await cluster.WaitForLeaderAsync();
        Assert.True((await first.SetAsync("before", "1")).Success);
        var oldTerm = (await first.StatusAsync()).GetProperty("current_term").GetUInt64();

        await first.StopAsync();

        var second = await cluster.WaitForLeaderAsync();
        Assert.NotEqual(first.Name, second.Name);
        Assert.True((await second.StatusAsync()).GetProperty("current_term").GetUInt64() > oldTerm);
        foreach (var node in cluster.Running)
        {
            var set = await node.SetAsync($"after-{node.Name}", node.Name);
            Assert.True(set.Status == HttpStatusCode.OK, $"SET through {node.Name} after failover: {set}");
        }

        foreach (var node in cluster.Running)
        {
            Assert.Equal("1", (await node.GetAsync("before")).Result);
            foreach (var writer in cluster.Running)
            {
                Assert.Equal(writer.Name, (await node.GetAsync($"after-{writer.Name}")).Result);
            }
        }
    }
}
