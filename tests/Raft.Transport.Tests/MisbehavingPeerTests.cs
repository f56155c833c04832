using Raft.Core.Messages;

namespace Raft.Transport.Tests;

/// <summary>
/// A peer that sends garbage, an oversized frame, the wrong cluster id or protocol version, or a forged message is
/// disconnected, counted and logged; the node keeps serving its good peers.
/// </summary>
public class MisbehavingPeerTests
{
    [Fact]
    public async Task Garbage_is_rejected_and_the_node_carries_on()
    {
        await using var node = await TestNode.StartAsync(2);
        await using (var raw = await RawPeer.ConnectAsync(node.EndPoint))
        {
            var garbage = MessageSamples.Bytes(256, seed: 7);
            garbage[0] = (byte)'X'; // never the magic by accident
            await raw.SendAsync(garbage);
            await raw.WaitForCloseAsync();
        }

        var rejected = await node.Logger.WaitForAsync("InboundRejected");
        Assert.Contains("magic", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, rejected.Level);
        Assert.Equal(1, node.Statistics.ConnectionsRejected);
        await AssertStillServesGoodPeerAsync(node);
    }

    [Fact]
    public async Task An_oversized_frame_is_rejected_before_its_payload_is_read()
    {
        await using var node = await TestNode.StartAsync(TestNode.MakeOptions(2, maxFrameBytes: 64 * 1024, snapshotChunkBytes: 1024));
        await using (var raw = await RawPeer.ConnectAsync(node.EndPoint))
        {
            Assert.Equal((HandshakeStatus.Accepted, 2UL), await raw.HandshakeAsync(senderId: 9));
            await raw.SendAsync(new byte[] { 0x01, 0x00, 0x01, 0x00 }); // 65537 bytes announced, one over the limit
            await raw.WaitForCloseAsync();
        }

        var rejected = await node.Logger.WaitForAsync("InboundRejected");
        Assert.Contains("exceeds the maximum of 65536", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(1, node.Statistics.ConnectionsRejected);
        await AssertStillServesGoodPeerAsync(node);
    }

    [Fact]
    public async Task A_wrong_cluster_id_is_refused_on_both_sides()
    {
        await using var node = await TestNode.StartAsync(2);
        await using var stranger = await TestNode.StartAsync(TestNode.MakeOptions(1, clusterId: "another-cluster"));
        stranger.AddPeer(2, node.EndPoint);

        Assert.True(stranger.Transport.Send(new RequestVote(1, 2, 100, 1, 1)));
        var rejected = await node.Logger.WaitForAsync("InboundRejected");
        Assert.Contains("cluster 'another-cluster', not 'test-cluster'", rejected.Message, StringComparison.Ordinal);
        var refused = await stranger.Logger.WaitForAsync("HandshakeRefused");
        Assert.Contains("not in cluster 'another-cluster'", refused.Message, StringComparison.Ordinal);
        Assert.True(node.Statistics.ConnectionsRejected >= 1);
        Assert.True(stranger.Statistics.HandshakesRefusedByPeer >= 1);
        Assert.Equal(0, node.Statistics.MessagesDelivered);

        await AssertStillServesGoodPeerAsync(node);
        Assert.False(node.TryReceive(out var leaked) && leaked is RequestVote, "the stranger's vote request must never be delivered");
    }

    [Fact]
    public async Task A_wrong_protocol_version_is_answered_and_refused()
    {
        await using var node = await TestNode.StartAsync(2);
        await using (var raw = await RawPeer.ConnectAsync(node.EndPoint))
        {
            Assert.Equal((HandshakeStatus.UnsupportedVersion, 2UL), await raw.HandshakeAsync(senderId: 9, version: 2));
            await raw.WaitForCloseAsync();
        }

        var rejected = await node.Logger.WaitForAsync("InboundRejected");
        Assert.Contains("unsupported protocol version 2", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(1, node.Statistics.ConnectionsRejected);
        await AssertStillServesGoodPeerAsync(node);
    }

    [Fact]
    public async Task A_dialer_is_refused_by_a_listener_of_another_version()
    {
        // The listener side is a raw socket that answers "unsupported version" like a future node would.
        await using var node = await TestNode.StartAsync(1);
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        node.AddPeer(2, listener.LocalEndpoint);
        Assert.True(node.Transport.Send(new Heartbeat(1, 2, 1, 0, 0)));
        using var socket = await listener.AcceptSocketAsync().WaitAsync(TestTimeouts.Event);
        var reply = Handshake.EncodeReply(HandshakeStatus.UnsupportedVersion, 2);
        reply[4] = 2; // version 2
        await socket.SendAsync(reply);

        var refused = await node.Logger.WaitForAsync("HandshakeRefused");
        Assert.Contains("does not speak protocol version 1 (it speaks 2)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, node.Statistics.HandshakesRefusedByPeer);
    }

    [Theory]
    [InlineData(new byte[] { 0xEE, 1, 2, 3 }, "Unknown frame type 238")]
    [InlineData(new byte[] { 1, 9, 2 }, "truncated")] // a RequestVote cut short
    [InlineData(new byte[] { 7, 5, 2, 1, 0, 0 }, "claims to come from node 5")] // a Heartbeat from node 5 on node 9's connection
    [InlineData(new byte[] { 7, 9, 3, 1, 0, 0 }, "addressed to node 3")]
    [InlineData(new byte[] { 12, 1, 2, 3 }, "without a snapshot in progress")] // a chunk with no InstallSnapshot before it
    public async Task A_bad_frame_after_the_handshake_is_rejected(byte[] payload, string reason)
    {
        await using var node = await TestNode.StartAsync(2);
        await using (var raw = await RawPeer.ConnectAsync(node.EndPoint))
        {
            Assert.Equal(HandshakeStatus.Accepted, (await raw.HandshakeAsync(senderId: 9)).Status);
            await raw.SendFrameAsync(MessageCodec.Encode(new Heartbeat(9, 2, 1, 0, 1))); // a good frame first
            await raw.SendFrameAsync(payload);
            await raw.WaitForCloseAsync();
        }

        var rejected = await node.Logger.WaitForAsync("InboundRejected");
        Assert.Contains(reason, rejected.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, node.Statistics.ConnectionsRejected);
        Assert.Equal(9UL, (await node.ReceiveAsync<Heartbeat>()).From); // what came before the bad frame was delivered
        await AssertStillServesGoodPeerAsync(node);
    }

    [Fact]
    public async Task A_connection_that_never_says_hello_is_closed_after_the_handshake_timeout()
    {
        await using var node = await TestNode.StartAsync(TestNode.MakeOptions(2, handshakeTimeout: TimeSpan.FromMilliseconds(200)));
        await using (var raw = await RawPeer.ConnectAsync(node.EndPoint))
        {
            await raw.WaitForCloseAsync();
        }

        var rejected = await node.Logger.WaitForAsync("InboundRejected");
        Assert.Contains("No complete hello", rejected.Message, StringComparison.Ordinal);
        await AssertStillServesGoodPeerAsync(node);
    }

    [Fact]
    public async Task A_second_connection_from_the_same_peer_replaces_the_first()
    {
        // The peer restarted or lost its connection without our noticing: its new connection wins, the stale one is closed.
        await using var node = await TestNode.StartAsync(2);
        await using var stale = await RawPeer.ConnectAsync(node.EndPoint);
        Assert.Equal(HandshakeStatus.Accepted, (await stale.HandshakeAsync(senderId: 9)).Status);
        await using var fresh = await RawPeer.ConnectAsync(node.EndPoint);
        Assert.Equal(HandshakeStatus.Accepted, (await fresh.HandshakeAsync(senderId: 9)).Status);

        await stale.WaitForCloseAsync();
        await fresh.SendFrameAsync(MessageCodec.Encode(new Heartbeat(9, 2, 1, 0, 5)));
        Assert.Equal(5UL, (await node.ReceiveAsync<Heartbeat>()).ReadRound);
        Assert.Equal(0, node.Statistics.ConnectionsRejected);
    }

    [Fact]
    public async Task A_failing_receive_callback_is_logged_and_the_connection_survives()
    {
        var delivered = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        var logger = new TestLogger();
        await using var node = new PeerTransport(TestNode.MakeOptions(2), m =>
        {
            if (m is Heartbeat { ReadRound: 1 })
            {
                throw new InvalidOperationException("consumer bug");
            }

            delivered.TrySetResult(m);
        }, logger);
        await node.StartAsync();
        await using var good = await TestNode.StartAsync(1);
        good.AddPeer(2, node.LocalEndPoint);

        Assert.True(good.Transport.Send(new Heartbeat(1, 2, 1, 0, 1)));
        Assert.True(good.Transport.Send(new Heartbeat(1, 2, 1, 0, 2)));
        Assert.Equal(2UL, ((Heartbeat)await delivered.Task.WaitAsync(TestTimeouts.Event)).ReadRound);
        var failure = await logger.WaitForAsync("DeliveryFailed");
        Assert.IsType<InvalidOperationException>(failure.Exception);
        Assert.Equal(1, good.Statistics.ConnectsSucceeded);
    }

    private static async Task AssertStillServesGoodPeerAsync(TestNode node)
    {
        await using var good = await TestNode.StartAsync(1);
        good.AddPeer(node.Id, node.EndPoint);
        Assert.True(good.Transport.Send(new AppendEntries(1, node.Id, 3, 0, 0, MessageSamples.Entries(1, 3, 2, 10), 0)));
        var received = await node.ReceiveAsync<AppendEntries>(m => m.From == 1);
        Assert.Equal(2, received.Entries.Length);
    }
}
