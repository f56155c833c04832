using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Raft.Server.Tests;

public sealed class PeerPortGarbageTests : ServerTestBase
{
    [Fact]
    public async Task Garbage_on_the_peer_port_closes_that_connection_and_the_cluster_keeps_serving()
    {
        var cluster = await StartClusterAsync(3);
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        var random = new Random(42);

        foreach (var target in new[] { leader, follower })
        {
            // 1. Random bytes where a hello is expected.
            var noise = new byte[4096];
            random.NextBytes(noise);
            await SendAndExpectCloseAsync(target, noise);

            // 2. A hello that announces an oversized body.
            var oversizedHello = new byte[8];
            "RAFT"u8.CopyTo(oversizedHello);
            BinaryPrimitives.WriteUInt16LittleEndian(oversizedHello.AsSpan(4), 1);
            BinaryPrimitives.WriteUInt16LittleEndian(oversizedHello.AsSpan(6), ushort.MaxValue);
            await SendAndExpectCloseAsync(target, oversizedHello);

            // 3. A well-formed hello in the name of another member, then a frame length prefix of 4 GiB, then junk.
            var impersonated = cluster.Nodes.First(n => n != target && n != (target == leader ? follower : leader));
            var attack = Hello(NodeIds.FromName(impersonated.Name), "raft-server-tests")
                .Concat(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })
                .Concat(noise.Take(512))
                .ToArray();
            await SendAndExpectCloseAsync(target, attack);

            // 4. A hello, then a plausible length prefix followed by garbage that is not a message.
            var badFrame = new byte[4 + 64];
            BinaryPrimitives.WriteUInt32LittleEndian(badFrame, 64);
            random.NextBytes(badFrame.AsSpan(4));
            await SendAndExpectCloseAsync(target, Hello(NodeIds.FromName(impersonated.Name), "raft-server-tests").Concat(badFrame).ToArray());

            // The cluster still has one leader that everyone follows, and writes through the attacked node succeed.
            var current = await cluster.WaitForLeaderAsync();
            var set = await target.SetAsync($"after-garbage-to-{target.Name}", "still fine");
            Assert.True(set.Status == HttpStatusCode.OK, $"SET through {target.Name} after garbage on its peer port: {set}");
            foreach (var node in cluster.Nodes)
            {
                Assert.Equal("still fine", (await node.GetAsync($"after-garbage-to-{target.Name}")).Result);
                using var health = await node.Client.GetAsync("/health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            Assert.Equal(leader.Name, current.Name);
        }
    }

    private static byte[] Hello(ulong senderId, string clusterId)
    {
        var cluster = Encoding.UTF8.GetBytes(clusterId);
        var hello = new byte[8 + 8 + 1 + cluster.Length];
        "RAFT"u8.CopyTo(hello);
        BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(6), (ushort)(8 + 1 + cluster.Length));
        BinaryPrimitives.WriteUInt64LittleEndian(hello.AsSpan(8), senderId);
        hello[16] = (byte)cluster.Length;
        cluster.CopyTo(hello.AsSpan(17));
        return hello;
    }

    /// <summary>Writes <paramref name="bytes"/> to the node's peer port and waits until the node closes the connection.</summary>
    private static async Task SendAndExpectCloseAsync(ServerNode node, byte[] bytes)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, node.PeerPort);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
        }
        catch (IOException)
        {
            // The node may close before it has read everything: that is the expected outcome.
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
                // A handshake reply may come first; the connection must end after it.
            }
        }
        catch (IOException)
        {
            // Reset by the node: closed.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{node.Name} kept a connection open after {bytes.Length} bytes of garbage on its peer port");
        }
    }
}
