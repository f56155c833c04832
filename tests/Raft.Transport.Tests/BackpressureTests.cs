using System.Net;
using Raft.Core;
using Raft.Core.Messages;
using Xunit.Abstractions;

namespace Raft.Transport.Tests;

/// <summary>A slow or stuck peer cannot make the sender buffer without bound, nor hold up its other peers.</summary>
public class BackpressureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_peer_that_never_reads_fills_its_queue_to_the_byte_bound_and_no_further()
    {
        const long maxQueuedBytes = 1 << 20;
        await using var stuck = new StuckPeer(id: 2, answerHandshake: true);
        await using var good = await TestNode.StartAsync(3);
        var options = TestNode.MakeOptions(
            1,
            maxQueuedBytes: maxQueuedBytes,
            maxQueuedMessages: 1_000_000, // so that the byte bound is the one that bites
            peers: new Dictionary<ulong, EndPoint> { [2] = stuck.EndPoint, [3] = good.EndPoint });
        var leader = await TestNode.StartAsync(options);

        // Offer 64 KiB entries once the connection is up. The writer moves what it can into the socket until the kernel's
        // buffers are full (the peer never reads) and then blocks; the queue fills and Send refuses. However the writer and
        // this loop interleave, what the transport holds never exceeds its bound.
        var entry = new LogEntry(1, 1, EntryType.Command, MessageSamples.Bytes(64 * 1024, seed: 1));
        Assert.True(leader.Transport.Send(new Heartbeat(1, 2, 1, 0, 0)));
        await leader.Logger.WaitForAsync("Connected", r => r.Message.Contains("node 2", StringComparison.Ordinal));
        var accepted = 1;
        var attempts = 0;
        var refused = 0;
        while (refused < 2000)
        {
            // Bounded by the kernel's socket buffers (a few MiB on loopback) plus the queue: never reached in practice.
            Assert.True(++attempts < 100_000, $"Send never refused: {accepted} accepted");
            if (leader.Transport.Send(new AppendEntries(1, 2, 1, 0, 0, [entry], 0)))
            {
                accepted++;
            }
            else
            {
                refused++;
            }

            await Task.Yield(); // give the writer its turn
        }

        var stats = leader.Statistics;
        var framesSent = stats.FramesSent; // read before the queue: accepted - sent - queued then counts only what the writer holds
        var queued = stats.QueuedMessages;
        output.WriteLine($"accepted {accepted} of {attempts} messages; {framesSent} frames ({stats.BytesSent} bytes) sent into the socket; " +
                         $"{queued} ({stats.QueuedBytes} bytes) queued; peak {stats.PeakQueuedBytesPerPeer} bytes");
        Assert.Equal(2000, stats.DroppedQueueFull);
        Assert.InRange(stats.PeakQueuedBytesPerPeer, maxQueuedBytes - (70 * 1024), maxQueuedBytes);
        Assert.InRange(stats.QueuedBytes, 0, maxQueuedBytes);
        Assert.True(accepted - framesSent - queued >= 0);
        Assert.True(accepted * 64L * 1024 < maxQueuedBytes + (64L << 20), "accepted far more than the queue and the kernel can hold");
        await leader.Logger.WaitForAsync("QueueFull");

        // Meanwhile the other peer is served as usual, in both directions.
        Assert.True(leader.Transport.Send(new Heartbeat(1, 3, 1, 0, 7)));
        Assert.Equal(7UL, (await good.ReceiveAsync<Heartbeat>()).ReadRound);
        good.AddPeer(1, leader.EndPoint);
        Assert.True(good.Transport.Send(new HeartbeatResponse(3, 1, 1, 7)));
        await leader.ReceiveAsync<HeartbeatResponse>();

        // Shutting down does not hang on the write blocked on the stuck peer.
        await leader.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Event);
        Assert.Equal(0, leader.Statistics.QueuedBytes);
    }

    [Fact]
    public async Task A_peer_hung_in_the_handshake_fills_its_queue_to_the_count_bound()
    {
        await using var hung = new StuckPeer(id: 2, answerHandshake: false);
        var options = TestNode.MakeOptions(1, maxQueuedMessages: 10, peers: new Dictionary<ulong, EndPoint> { [2] = hung.EndPoint });
        await using var node = await TestNode.StartAsync(options);

        var results = Enumerable.Range(0, 25).Select(i => node.Transport.Send(new Heartbeat(1, 2, 1, 0, (ulong)i))).ToList();

        Assert.Equal(10, results.Count(r => r));
        Assert.All(results.Skip(10), Assert.False);
        Assert.Equal(15, node.Statistics.DroppedQueueFull);
        Assert.Equal(10, node.Statistics.PeakQueuedMessagesPerPeer);
        await hung.FirstConnection.WaitAsync(TestTimeouts.Event);
    }
}
