using System.Net.Sockets;

namespace Raft.Cluster.Tests;

/// <summary>
/// The seed README's 3-node example, with exactly its variables: RAFT_NODE_ID, RAFT_PORT and RAFT_PEERS=node-2:8081,... (host
/// 127.0.0.1, peer port = HTTP port + 1000, default timing and data directory), on free ports instead of 8080-8082.
/// </summary>
public sealed class SeedExampleTests(ITestOutputHelper output) : ClusterTest(output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Seed_three_node_example_forms_a_cluster_and_serves_its_commands() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync(new ClusterOptions { SeedVariablesOnly = true });
        var (node1, node2, node3) = (cluster["node-1"], cluster["node-2"], cluster["node-3"]);

        // The peer transport listens on the derived port, HTTP port + 1000.
        foreach (var node in cluster.Nodes)
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync("127.0.0.1", node.HttpPort + 1000);
        }

        // The README's interaction: set through the first node, get through the second, status of the third.
        var set = await node1.Client.SetAsync("test", "Hello Cluster!");
        Assert.True(set.Acknowledged, $"SET through node-1: {set}");
        var get = await node2.Client.GetAsync("test");
        Assert.True(get.Acknowledged && get.Result == "Hello Cluster!", $"GET through node-2: {get}");
        var status = await node3.Client.StatusAsync();
        Assert.Equal("node-3", status.NodeId);
        Assert.NotNull(status.LeaderId);
        Assert.True(status.CommitIndex >= 1 && status.LastApplied <= status.CommitIndex, status.ToString());

        // With no RAFT_DATA_DIR each node keeps its data in data/<node id> under its working directory.
        Assert.All(cluster.Nodes, node => Assert.True(Directory.Exists(node.DataDirectory), $"{node.DataDirectory} does not exist"));
    });
}
