using System.Net;

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
