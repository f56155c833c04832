using System.Globalization;
using System.Net;
using Raft.Storage;

namespace Raft.Server.Tests;

public sealed class RestartTests : ServerTestBase
{
    [Fact]
    public async Task A_single_node_restarted_on_the_same_data_directory_keeps_its_values()
    {
        var node = await StartSingleNodeAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await node.SetAsync($"k{i}", $"v{i}")).Success);
        }

        await node.SetAsync("k3", "overwritten");
        await node.DeleteAsync("k7");
        var termBefore = (await node.StatusAsync()).GetProperty("current_term").GetUInt64();

        await node.StopAsync();
        await node.StartAsync();
        await Poll.Eventually(async () => (await node.StatusAsync()).GetProperty("state").GetInt32() == 2, Poll.Default, "the restarted node leads again");

        for (var i = 0; i < 20; i++)
        {
            var get = await node.GetAsync($"k{i}");
            switch (i)
            {
                case 3:
                    Assert.Equal("overwritten", get.Result);
                    break;
                case 7:
                    Assert.Equal(HttpStatusCode.NotFound, get.Status);
                    break;
                default:
                    Assert.True(get.Status == HttpStatusCode.OK, $"k{i} after restart: {get}");
                    Assert.Equal($"v{i}", get.Result);
                    break;
            }
        }

        Assert.True((await node.StatusAsync()).GetProperty("current_term").GetUInt64() > termBefore);
        Assert.True((await node.SetAsync("new", "after restart")).Success);
    }

    [Fact]
    public async Task A_single_node_data_directory_is_refused_when_the_node_is_restarted_as_a_member_of_a_larger_cluster()
    {
        // The README's path: the quick start's single node, then the 3-node example, both with ./data/node-1 by default.
        // What one node committed alone is not committed in the three-node cluster; the node must not serve it as such.
        var node = await StartSingleNodeAsync();
        Assert.True((await node.SetAsync("written-alone", "v")).Success);
        await node.StopAsync();

        node.Settings["RAFT_PEERS"] = string.Create(CultureInfo.InvariantCulture, $"node-2@127.0.0.1:{FreePorts.Next()}:{FreePorts.Next()},node-3@127.0.0.1:{FreePorts.Next()}:{FreePorts.Next()}");
        var error = await Assert.ThrowsAsync<IncompatibleDataDirectoryException>(node.StartAsync);

        Assert.Contains($"members '{node.Name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("node-2", error.Message, StringComparison.Ordinal);
        Assert.False(node.IsRunning);

        // With its original (empty) peer list it starts again and keeps what it had.
        node.Settings["RAFT_PEERS"] = "";
        await node.StartAsync();
        await Poll.Eventually(async () => (await node.GetAsync("written-alone")).Result == "v", Poll.Default, "the node serves its data again");
    }

    [Fact]
    public async Task A_single_node_restarted_after_snapshots_keeps_its_values()
    {
        var node = await StartSingleNodeAsync(s => s["RAFT_SNAPSHOT_INTERVAL"] = "10");
        for (var i = 0; i < 45; i++)
        {
            Assert.True((await node.SetAsync($"k{i}", $"v{i}")).Success);
        }

        await Poll.Eventually(async () => (await node.StatusAsync()).GetProperty("snapshot_index").GetUInt64() > 0, TimeSpan.FromSeconds(5), "a snapshot was taken");

        await node.StopAsync();
        await node.StartAsync();
        await Poll.Eventually(async () => (await node.StatusAsync()).GetProperty("state").GetInt32() == 2, Poll.Default, "the restarted node leads again");

        for (var i = 0; i < 45; i++)
        {
            Assert.Equal($"v{i}", (await node.GetAsync($"k{i}")).Result);
        }
    }
}
