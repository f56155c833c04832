using System.Net;

namespace Raft.Cluster.Tests;

/// <summary>Writes through every node (followers forward to the leader) are readable through every node.</summary>
public sealed class WriteThroughEveryNodeTests(ITestOutputHelper output) : ClusterTest(output)
{
    [Fact]
    public Task Set_through_each_node_is_read_back_from_every_node() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync();
        var (leader, _) = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(10));
        var expected = new Dictionary<string, string>();
        foreach (var node in cluster.Nodes)
        {
            var key = $"written-via-{node.Name}";
            var value = $"hello from {node.Name} ({(node == leader ? "leader" : "follower")})";
            var reply = await node.Client.SetAsync(key, value);
            Assert.True(reply.Acknowledged, $"SET {key} through {node.Name}: {reply}");
            expected[key] = value;
        }

        await Readback.AssertAllReadableAsync(cluster.Nodes, expected);

        // DELETE through a follower is forwarded too; the key is then gone everywhere.
        var follower = cluster.Nodes.First(n => n != leader);
        var deleted = await follower.Client.DeleteAsync("written-via-node-1");
        Assert.True(deleted.Acknowledged, $"DELETE through {follower.Name}: {deleted}");
        foreach (var node in cluster.Nodes)
        {
            var reply = await node.Client.GetAsync("written-via-node-1");
            Assert.True(reply.Status == HttpStatusCode.NotFound && !reply.Success, $"GET of a deleted key through {node.Name}: {reply}");
        }
    });
}
