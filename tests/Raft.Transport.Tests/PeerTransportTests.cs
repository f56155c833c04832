using System.Net;
using Raft.Core;
using Raft.Core.Messages;

namespace Raft.Transport.Tests;

public class PeerTransportTests
{
    [Fact]
    public async Task Two_nodes_exchange_messages_both_ways()
    {
        await using var a = await TestNode.StartAsync(1);
        await using var b = await TestNode.StartAsync(2);
        TestNode.Introduce(a, b);

        Assert.True(a.Transport.Send(new RequestVote(1, 2, 5, 10, 4)));
        var vote = await b.ReceiveAsync<RequestVote>();
        Assert.Equal(new RequestVote(1, 2, 5, 10, 4), vote);

        Assert.True(b.Transport.Send(new RequestVoteResponse(2, 1, 5, true)));
        Assert.Equal(new RequestVoteResponse(2, 1, 5, true), await a.ReceiveAsync<RequestVoteResponse>());

        Assert.Equal(1, a.Statistics.ConnectsSucceeded);
        Assert.Equal(1, b.Statistics.ConnectionsAccepted);
        Assert.Equal(0, a.Statistics.ConnectionsRejected + b.Statistics.ConnectionsRejected);
    }

    [Fact]
    public async Task Three_nodes_each_reach_the_other_two()
    {
        await using var a = await TestNode.StartAsync(1);
        await using var b = await TestNode.StartAsync(2);
        await using var c = await TestNode.StartAsync(3);
        TestNode[] nodes = [a, b, c];
        TestNode.Introduce(nodes);

        foreach (var from in nodes)
        {
            foreach (var to in nodes.Where(n => n != from))
            {
                Assert.True(from.Transport.Send(new Heartbeat(from.Id, to.Id, 9, from.Id * 10, to.Id)));
            }
        }

        foreach (var to in nodes)
        {
            foreach (var from in nodes.Where(n => n != to))
            {
                var heartbeat = await to.ReceiveAsync<Heartbeat>(h => h.From == from.Id);
                Assert.Equal(new Heartbeat(from.Id, to.Id, 9, from.Id * 10, to.Id), heartbeat);
            }
        }
    }

    [Fact]
    public async Task Many_messages_arrive_complete_and_in_order()
    {
        await using var a = await TestNode.StartAsync(1);
        await using var b = await TestNode.StartAsync(2);
        TestNode.Introduce(a, b);

        const int count = 3000;
        for (var i = 1; i <= count; i++)
        {
            var entries = MessageSamples.Entries((ulong)i, 2, 1, dataLength: i % 300);
            Assert.True(a.Transport.Send(new AppendEntries(1, 2, 2, (ulong)i - 1, 2, entries, 0)));
        }

        for (var i = 1; i <= count; i++)
        {
            var message = await b.ReceiveAsync<AppendEntries>();
            Assert.Equal((ulong)i, message.Entries[0].Index);
            Assert.Equal(MessageSamples.Entries((ulong)i, 2, 1, dataLength: i % 300)[0].Data.ToArray(), message.Entries[0].Data.ToArray());
        }

        Assert.Equal(count, b.Statistics.MessagesDelivered);
        Assert.Equal(a.Statistics.BytesSent, b.Statistics.BytesReceived);
    }

    [Fact]
    public async Task A_message_near_the_frame_limit_is_delivered_and_one_beyond_it_is_dropped()
    {
        const int maxFrame = 1 << 20;
        await using var a = await TestNode.StartAsync(TestNode.MakeOptions(1, maxFrameBytes: maxFrame, snapshotChunkBytes: maxFrame / 2));
        await using var b = await TestNode.StartAsync(TestNode.MakeOptions(2, maxFrameBytes: maxFrame, snapshotChunkBytes: maxFrame / 2));
        TestNode.Introduce(a, b);

        var fits = new AppendEntries(1, 2, 1, 0, 0, [new LogEntry(1, 1, EntryType.Command, MessageSamples.Bytes(maxFrame - 64, seed: 1))], 0);
        Assert.True(MessageCodec.GetEncodedLength(fits) <= maxFrame);
        var tooLarge = new AppendEntries(1, 2, 1, 0, 0, [new LogEntry(1, 1, EntryType.Command, new byte[maxFrame])], 0);

        Assert.True(a.Transport.Send(fits));
        Assert.False(a.Transport.Send(tooLarge));
        Assert.True(a.Transport.Send(new Heartbeat(1, 2, 1, 0, 1)));

        MessageAssert.Equal(fits, await b.ReceiveAsync<AppendEntries>());
        await b.ReceiveAsync<Heartbeat>();
        Assert.Equal(1, a.Statistics.DroppedTooLarge);
        await a.Logger.WaitForAsync("MessageTooLarge");
    }

    [Fact]
    public async Task Send_refuses_when_not_running_or_the_peer_is_unknown()
    {
        var options = TestNode.MakeOptions(1, peers: new Dictionary<ulong, EndPoint> { [2] = new IPEndPoint(IPAddress.Loopback, 1) });
        var transport = new PeerTransport(options, _ => { });
        Assert.False(transport.Send(new Heartbeat(1, 2, 1, 0, 0))); // not started
        await transport.StartAsync();
        Assert.False(transport.Send(new Heartbeat(1, 3, 1, 0, 0))); // unknown peer
        Assert.Throws<ArgumentException>(() => transport.Send(new Heartbeat(5, 2, 1, 0, 0))); // not from this node
        await transport.DisposeAsync();
        Assert.False(transport.Send(new Heartbeat(1, 2, 1, 0, 0))); // disposed
        Assert.Equal(2, transport.Statistics.DroppedNotRunning);
        Assert.Equal(1, transport.Statistics.DroppedUnknownPeer);
        await transport.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task A_restarted_peer_is_reconnected_and_delivery_resumes()
    {
        await using var a = await TestNode.StartAsync(1);
        var b = await TestNode.StartAsync(2);
        var port = b.EndPoint.Port;
        TestNode.Introduce(a, b);

        Assert.True(a.Transport.Send(new Heartbeat(1, 2, 1, 0, 1)));
        await b.ReceiveAsync<Heartbeat>();

        // The peer goes away: its closing the connection is noticed at once, not at the next write.
        await b.DisposeAsync();
        await a.Logger.WaitForAsync("ConnectionLost");

        await using var restarted = await TestNode.StartAsync(TestNode.MakeOptions(2, port: port));
        Assert.True(a.Transport.Send(new Heartbeat(1, 2, 2, 0, 2)));
        Assert.Equal(new Heartbeat(1, 2, 2, 0, 2), await restarted.ReceiveAsync<Heartbeat>());
        Assert.Equal(1, a.Statistics.Reconnects);
        Assert.Equal(2, a.Statistics.ConnectsSucceeded);
    }

    [Fact]
    public async Task Messages_to_a_peer_that_is_down_are_dropped_not_accumulated_and_it_is_retried()
    {
        await using var a = await TestNode.StartAsync(1);
        // A port that was free a moment ago: connections to it are refused.
        int port;
        await using (var probe = await TestNode.StartAsync(2))
        {
            port = probe.EndPoint.Port;
        }

        a.AddPeer(2, new IPEndPoint(IPAddress.Loopback, port));
        Assert.True(a.Transport.Send(new Heartbeat(1, 2, 1, 0, 1)));
        await a.Logger.WaitForAsync("ConnectFailed");
        Assert.True(a.Statistics.ConnectFailures >= 1);
        Assert.True(a.Statistics.DiscardedOnDisconnect >= 1);

        // The peer comes up; the next message connects and gets through.
        await using var b = await TestNode.StartAsync(TestNode.MakeOptions(2, port: port));
        Assert.True(a.Transport.Send(new Heartbeat(1, 2, 1, 0, 2)));
        Assert.Equal(2UL, (await b.ReceiveAsync<Heartbeat>()).ReadRound);
    }

    [Fact]
    public async Task A_peer_that_answers_as_another_node_is_not_sent_to()
    {
        await using var a = await TestNode.StartAsync(1);
        await using var impostor = await TestNode.StartAsync(3);
        a.AddPeer(2, impostor.EndPoint); // configuration says node 2 lives where node 3 does

        Assert.True(a.Transport.Send(new Heartbeat(1, 2, 1, 0, 1)));
        var failure = await a.Logger.WaitForAsync("ConnectFailed");
        Assert.Contains("is node 3, not node 2", failure.Message, StringComparison.Ordinal);
        Assert.False(impostor.TryReceive(out _));
    }

    [Fact]
    public async Task Outgoing_connections_are_bound_to_the_node_address()
    {
        // Principle 7: a node listening on 127.0.0.2 also dials from 127.0.0.2 (by default, and when set explicitly).
        var nodeAddress = IPAddress.Parse("127.0.0.2");
        foreach (var explicitBind in new[] { false, true })
        {
            await using var observer = new StuckPeer(id: 1, answerHandshake: true);
            var options = TestNode.MakeOptions(2, address: nodeAddress, outgoingBindAddress: explicitBind ? nodeAddress : null);
            await using var node = await TestNode.StartAsync(options);
            Assert.Equal(nodeAddress, node.EndPoint.Address);
            node.AddPeer(1, observer.EndPoint);

            Assert.True(node.Transport.Send(new Heartbeat(2, 1, 1, 0, 1)));
            var socket = await observer.FirstConnection.WaitAsync(TestTimeouts.Event);
            Assert.Equal(nodeAddress, ((IPEndPoint)socket.RemoteEndPoint!).Address);
        }
    }

    [Fact]
    public async Task A_real_peer_sees_the_bound_address_too()
    {
        var nodeAddress = IPAddress.Parse("127.0.0.2");
        await using var a = await TestNode.StartAsync(1);
        await using var b = await TestNode.StartAsync(TestNode.MakeOptions(2, address: nodeAddress));
        TestNode.Introduce(a, b);

        Assert.True(b.Transport.Send(new Heartbeat(2, 1, 1, 0, 1)));
        await a.ReceiveAsync<Heartbeat>();
        var accepted = await a.Logger.WaitForAsync("InboundAccepted");
        Assert.Contains("127.0.0.2:", accepted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_a_peer_stops_sending_to_it()
    {
        await using var a = await TestNode.StartAsync(1);
        await using var b = await TestNode.StartAsync(2);
        TestNode.Introduce(a, b);
        Assert.True(a.Transport.Send(new Heartbeat(1, 2, 1, 0, 1)));
        await b.ReceiveAsync<Heartbeat>();

        a.Transport.UpdatePeers(new Dictionary<ulong, EndPoint>());
        Assert.False(a.Transport.Send(new Heartbeat(1, 2, 1, 0, 2)));
        await b.Logger.WaitForAsync("InboundClosed"); // the removed peer's connection is closed
    }
}
