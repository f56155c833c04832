using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Raft.Server.Tests;

public sealed class SnapshotCatchUpTests : ServerTestBase
{
    [Fact]
    public async Task A_follower_restarted_after_200_writes_catches_up_through_a_snapshot_and_serves_every_value()
    {
        var cluster = await StartClusterAsync(3, s => s["RAFT_SNAPSHOT_INTERVAL"] = "20");
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        Assert.True((await leader.SetAsync("early", "before the follower stopped")).Success);
        await Poll.Eventually(
            async () => (await follower.StatusAsync()).GetProperty("last_applied").GetUInt64() >= (await leader.StatusAsync()).GetProperty("commit_index").GetUInt64(),
            TimeSpan.FromSeconds(10),
            "the follower applied the first write");

        await follower.StopAsync();

        // While the follower is down, its peer port answers nothing but a close: the leader's transport then drops what it
        // had queued for the follower, as it does for a peer that stays away (otherwise, after a restart quicker than one
        // reconnect backoff, the queued AppendEntries would still arrive and no snapshot would be needed).
        var standIn = new TcpListener(IPAddress.Loopback, follower.PeerPort);
        standIn.Start();
        try
        {
            // 200 writes, 20 at a time, through the leader.
            for (var batch = 0; batch < 10; batch++)
            {
                var writes = await Task.WhenAll(Enumerable.Range(batch * 20, 20).Select(i => leader.SetAsync($"key-{i:D3}", $"value-{i}")));
                Assert.All(writes, w => Assert.True(w.Success, w.ToString()));
            }

            await RefuseOneConnectionFromAsync(standIn, NodeIds.FromName(leader.Name));
        }
        finally
        {
            standIn.Stop();
        }

        var leaderStatus = await leader.StatusAsync();
        var commit = leaderStatus.GetProperty("commit_index").GetUInt64();
        Assert.True(leaderStatus.GetProperty("snapshot_index").GetUInt64() > 0, "the leader took no snapshot with RAFT_SNAPSHOT_INTERVAL=20");

        // Same node, same ports and data directory; local reads show exactly what it has applied.
        follower.Settings["RAFT_READ_MODE"] = "local";
        await follower.StartAsync();
        await Poll.Eventually(
            async () => (await follower.StatusAsync()).GetProperty("last_applied").GetUInt64() >= commit,
            TimeSpan.FromSeconds(20),
            $"the restarted follower applied up to the leader's commit index {commit}");

        var missing = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var get = await follower.GetAsync($"key-{i:D3}");
            if (get.Status != HttpStatusCode.OK || get.Result != $"value-{i}")
            {
                missing.Add($"key-{i:D3}: {get}");
            }
        }

        Assert.Empty(missing);
        Assert.Equal("before the follower stopped", (await follower.GetAsync("early")).Result);

        var installed = PrometheusText.Value(await follower.MetricsAsync(), "raft_snapshots_installed_total");
        var sent = PrometheusText.Value(await leader.MetricsAsync(), "raft_snapshots_sent_total");
        Assert.True(
            installed >= 1 || sent >= 1,
            $"no snapshot went to the follower (installed {installed}, sent {sent}); leader after the writes: {leaderStatus}");

        // And it is a full member again: a write through it is forwarded and committed.
        Assert.True((await follower.SetAsync("after", "catch-up")).Success);
        Assert.Equal("catch-up", (await leader.GetAsync("after")).Result);
    }

    /// <summary>Accepts connections on <paramref name="listener"/> and closes each; returns after closing one from <paramref name="senderId"/>.</summary>
    private static async Task RefuseOneConnectionFromAsync(TcpListener listener, ulong senderId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            using var connection = await listener.AcceptTcpClientAsync(timeout.Token);
            var hello = new byte[16]; // magic, version, body length, sender id
            try
            {
                await connection.GetStream().ReadExactlyAsync(hello, timeout.Token);
            }
            catch (Exception e) when (e is IOException or EndOfStreamException)
            {
                continue;
            }

            connection.Client.LingerState = new LingerOption(true, 0);
            connection.Client.Close();
            if (BinaryPrimitives.ReadUInt64LittleEndian(hello.AsSpan(8)) == senderId)
            {
                return;
            }
        }
    }
}
