using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Raft.Core.Messages;

namespace Raft.Transport;

/// <summary>
/// Everything this node sends to one peer: a queue bounded by count and by bytes, and one task that connects (with
/// backoff), performs the handshake and writes the queue to the socket in coalesced batches. Messages flow only from dialer
/// to listener on this connection; the peer's answers come back on the connection it dials to us.
/// <para>
/// Backpressure: <see cref="TryEnqueue"/> never waits; when the queue is full it refuses, so a slow or stuck peer costs at most
/// the queue bounds plus one batch buffer (and one snapshot chunk) of memory, never more.
/// Loss: when a connection attempt fails or an established connection breaks, the messages queued at that moment are
/// discarded (counted in <see cref="PeerTransportStatistics.DiscardedOnDisconnect"/>): Raft retransmits, and delivering a
/// backlog of stale heartbeats and votes to a peer that comes back would only delay the fresh ones. Messages queued during
/// the backoff that follows are kept and sent if the next attempt succeeds, so a message is never older than one backoff.
/// </para>
/// </summary>
internal sealed class OutboundPeer
{
    // Coalescing: everything queued is written with one socket write per this many bytes.
    private const int BatchBytes = 64 * 1024;

    private readonly PeerTransportOptions options;
    private readonly byte[] hello;
    private readonly IPAddress? bindAddress;
    private readonly PeerTransportStatistics statistics;
    private readonly ILogger logger;
    // Synchronous continuations: when the writer is idle, the sender's own thread (the node's loop) runs it, so a message to
    // an idle peer is encoded and written to the socket at once, without waking a pool thread (one thread hop less each
    // way on a write's critical path). The writer never blocks that thread: a socket write that cannot complete at once,
    // connecting and snapshot chunks all continue on the pool (see the Task.Yield calls).
    private readonly Channel<OutboundMessage> queue = Channel.CreateUnbounded<OutboundMessage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = true });

    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private Task? loop;
    private bool stopped;
    private int queuedMessages;
    private long queuedBytes;
    private long droppedSinceFull;
    private bool everConnected;

    public OutboundPeer(ulong peerId, EndPoint endPoint, PeerTransportOptions options, byte[] hello, PeerTransportStatistics statistics, ILogger logger)
    {
        PeerId = peerId;
        EndPoint = endPoint;
        this.options = options;
        this.hello = hello;
        bindAddress = options.EffectiveOutgoingBindAddress;
        this.statistics = statistics;
        this.logger = logger;
    }

    public ulong PeerId { get; }

    public EndPoint EndPoint { get; }

    public int QueuedMessages => Volatile.Read(ref queuedMessages);

    public long QueuedBytes => Volatile.Read(ref queuedBytes);

    /// <summary>Queues <paramref name="message"/> (encoded length <paramref name="length"/>) unless that would exceed a bound. Never blocks.</summary>
    public bool TryEnqueue(Message message, int length)
    {
        // Reserve first, then check: the bound holds for what is really queued even under concurrent senders; a race can
        // only make a sender see the queue as full a little early, never let it overflow.
        var messages = Interlocked.Increment(ref queuedMessages);
        var bytes = Interlocked.Add(ref queuedBytes, length);
        if (messages > options.MaxQueuedMessagesPerPeer || bytes > options.MaxQueuedBytesPerPeer)
        {
            Release(length);
            statistics.QueueFull();
            if (Interlocked.Increment(ref droppedSinceFull) == 1)
            {
                logger.QueueFull(PeerId, messages - 1, bytes - length);
            }

            return false;
        }

        statistics.QueueChanged(1, length);
        if (!queue.Writer.TryWrite(new OutboundMessage(message, length)))
        {
            // Stopped (peer removed or transport disposed) between the caller's check and now.
            Release(length);
            statistics.QueueChanged(-1, -length);
            statistics.NotRunning();
            return false;
        }

        statistics.ObservePeerQueue(messages, bytes);
        if (Volatile.Read(ref droppedSinceFull) != 0)
        {
            var dropped = Interlocked.Exchange(ref droppedSinceFull, 0);
            if (dropped > 0)
            {
                logger.QueueDraining(PeerId, dropped);
            }
        }

        EnsureStarted();
        return true;
    }

    /// <summary>Closes the connection, ends the task and discards what is still queued.</summary>
    public async Task StopAsync()
    {
        Task? running;
        lock (gate)
        {
            if (stopped)
            {
                return;
            }

            stopped = true;
            running = loop;
        }

        queue.Writer.TryComplete();
        await stop.CancelAsync().ConfigureAwait(false);
        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        DiscardQueued();
        stop.Dispose();
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref loop) is not null)
        {
            return;
        }

        lock (gate)
        {
            // Started lazily by the first message: a configured peer that is never sent to costs no connection.
            if (loop is null && !stopped)
            {
                var token = stop.Token;
                Volatile.Write(ref loop, Task.Run(() => RunAsync(token), CancellationToken.None));
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var failures = 0;
        try
        {
            // Connect only when there is something to send; once connected, the connection stays open while idle.
            while (await queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                // Connecting (and backing off) is slow: off the sender's thread.
                await Task.Yield();
                var established = false;
                string reason;
                try
                {
                    var stream = await ConnectAsync(ct).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        established = true;
                        failures = 0;
                        statistics.Connected(isReconnect: everConnected);
                        everConnected = true;
                        logger.Connected(PeerId, stream.Socket.RemoteEndPoint, stream.Socket.LocalEndPoint);
                        await PumpAsync(stream, ct).ConfigureAwait(false);
                        return; // the queue was completed: we are stopping
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is SocketException or IOException or ProtocolException or TimeoutException or ObjectDisposedException)
                {
                    reason = ex.Message;
                }
                catch (Exception ex)
                {
                    // A bug must not silently end all traffic to this peer: log it loudly and retry like any failure.
                    logger.UnexpectedFailure(ex, PeerId);
                    reason = ex.Message;
                }

                if (!established)
                {
                    statistics.ConnectFailed();
                }

                DiscardQueued();
                var delay = ReconnectBackoff.Delay(failures++, options.ReconnectMinDelay, options.ReconnectMaxDelay, Random.Shared);
                if (established)
                {
                    logger.ConnectionLost(PeerId, EndPoint, reason, delay);
                }
                else
                {
                    logger.ConnectFailed(PeerId, EndPoint, reason, delay);
                }

                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Connects, binds to this node's address if it has one, and completes the handshake within the handshake timeout.</summary>
    private async Task<NetworkStream> ConnectAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.HandshakeTimeout);
        Socket? socket = null;
        NetworkStream? stream = null;
        try
        {
            var remote = await ResolveAsync(timeout.Token).ConfigureAwait(false);
            socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            PeerSockets.Configure(socket);
            if (bindAddress is not null)
            {
                // A node is one address (principle 7): fault tests cut nodes apart by address, so our outgoing traffic
                // must come from the address we listen on, not from whatever the OS would pick.
                socket.Bind(new IPEndPoint(bindAddress, 0));
            }

            await socket.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            socket = null;
            await stream.WriteAsync(hello, timeout.Token).ConfigureAwait(false);
            var reply = new byte[Handshake.ReplyLength];
            await stream.ReadExactlyAsync(reply, timeout.Token).ConfigureAwait(false);
            CheckReply(reply);
            var connected = stream;
            stream = null;
            return connected;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"No connection and handshake within {options.HandshakeTimeout}.");
        }
        finally
        {
            socket?.Dispose();
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void CheckReply(ReadOnlySpan<byte> reply)
    {
        var (version, status, listenerId) = Handshake.ReadReply(reply);
        if (status != HandshakeStatus.Accepted)
        {
            statistics.RefusedByPeer();
            var reason = status switch
            {
                HandshakeStatus.UnsupportedVersion => $"it does not speak protocol version {Handshake.ProtocolVersion} (it speaks {version})",
                HandshakeStatus.WrongCluster => $"it is not in cluster '{options.ClusterId}'",
                HandshakeStatus.InvalidHello => "it found our hello invalid",
                _ => $"status {(byte)status}",
            };
            logger.HandshakeRefused(PeerId, EndPoint, reason);
            throw new ProtocolException($"Handshake refused: {reason}.");
        }

        if (version != Handshake.ProtocolVersion)
        {
            throw new ProtocolException($"Peer accepted with protocol version {version}, expected {Handshake.ProtocolVersion}.");
        }

        if (listenerId != PeerId)
        {
            // Stale or wrong configuration: sending node N's messages to node M would be worse than not sending them.
            throw new ProtocolException($"{EndPoint} is node {listenerId}, not node {PeerId}.");
        }
    }

    private async Task<IPEndPoint> ResolveAsync(CancellationToken ct)
    {
        switch (EndPoint)
        {
            case IPEndPoint ip:
                return ip;
            case DnsEndPoint dns:
                // Resolved on every attempt: a peer that moved is found again after its DNS record changes.
                var addresses = await Dns.GetHostAddressesAsync(dns.Host, dns.AddressFamily, ct).ConfigureAwait(false);
                var family = bindAddress?.AddressFamily;
                var address = addresses.FirstOrDefault(a => family is null || a.AddressFamily == family)
                    ?? throw new SocketException((int)SocketError.HostNotFound);
                return new IPEndPoint(address, dns.Port);
            default:
                throw new NotSupportedException($"Unsupported endpoint type {EndPoint.GetType().Name}.");
        }
    }

    /// <summary>Runs the writer and a close watcher until either ends, then tears both down. Returns only when stopping.</summary>
    private async Task PumpAsync(NetworkStream stream, CancellationToken ct)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = WriteLoopAsync(stream, connection.Token);
        var watcher = WatchForCloseAsync(stream, connection.Token);
        var first = await Task.WhenAny(writer, watcher).ConfigureAwait(false);
        await connection.CancelAsync().ConfigureAwait(false);
        // Closing the socket also releases a write blocked on a peer that stopped reading.
        await stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(writer, watcher).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The second task's failure is only a consequence of the teardown; the outcome of the first is what counts.
        }

        await first.ConfigureAwait(false); // rethrows the failure that ended the connection
        if (first == watcher)
        {
            throw new IOException("Connection closed by the peer.");
        }
    }

    /// <summary>
    /// The listener never writes after the handshake, so a read completes only when the connection ends: this notices a
    /// restarted or departed peer at once, instead of at the next write (whose message would be lost).
    /// </summary>
    private static async Task WatchForCloseAsync(NetworkStream stream, CancellationToken ct)
    {
        var probe = new byte[1];
        if (await stream.ReadAsync(probe, ct).ConfigureAwait(false) != 0)
        {
            throw new ProtocolException("The peer sent data on a connection that only carries our messages.");
        }
    }

    private async Task WriteLoopAsync(NetworkStream stream, CancellationToken ct)
    {
        var batch = ArrayPool<byte>.Shared.Rent(BatchBytes);
        SnapshotSender? snapshot = null;
        OutboundMessage? carry = null;
        try
        {
            while (true)
            {
                var used = 0;
                var frames = 0;
                while (TryTake(ref carry, out var item))
                {
                    if (item.Message is InstallSnapshot install)
                    {
                        if (!TryOpenSnapshot(install, out var next))
                        {
                            continue;
                        }

                        if (snapshot is not null)
                        {
                            // The receiver discards the partial snapshot when it sees the new header.
                            Abandoned(snapshot, "superseded by a newer snapshot");
                            await snapshot.DisposeAsync().ConfigureAwait(false);
                        }

                        snapshot = next;
                    }

                    var frameLength = FrameReader.LengthPrefixBytes + item.Length;
                    if (used + frameLength <= batch.Length)
                    {
                        used += EncodeFrame(item, batch.AsSpan(used));
                        frames++;
                    }
                    else if (used > 0)
                    {
                        carry = item; // flush what we have, then continue with this one
                        break;
                    }
                    else
                    {
                        await WriteLargeFrameAsync(stream, item, ct).ConfigureAwait(false);
                    }
                }

                if (used > 0)
                {
                    await stream.WriteAsync(batch.AsMemory(0, used), ct).ConfigureAwait(false);
                    statistics.FramesWritten(frames, used);
                }

                if (snapshot is not null)
                {
                    // Reading and writing snapshot chunks is bulk work: off the sender's thread.
                    await Task.Yield();

                    // One chunk per round, after the queued messages: heartbeats and votes are never stuck behind a snapshot.
                    var chunk = await snapshot.NextFrameAsync(ct).ConfigureAwait(false);
                    await stream.WriteAsync(chunk, ct).ConfigureAwait(false);
                    statistics.FramesWritten(1, chunk.Length);
                    if (snapshot.IsComplete)
                    {
                        var sent = snapshot.Message.Snapshot;
                        logger.SnapshotSent(sent.Metadata.Index, sent.Source.Length, PeerId);
                        statistics.SnapshotSent();
                        await snapshot.DisposeAsync().ConfigureAwait(false);
                        snapshot = null;
                    }

                    continue;
                }

                if (carry is null && !await queue.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
            if (snapshot is not null)
            {
                Abandoned(snapshot, "connection closed");
                await snapshot.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Opens the data of a snapshot about to be announced; false (and the message is dropped) if it cannot be read.</summary>
    private bool TryOpenSnapshot(InstallSnapshot install, out SnapshotSender? sender)
    {
        sender = null;
        if (install.Snapshot.Source.Length == 0)
        {
            return true; // the header says it all
        }

        try
        {
            sender = new SnapshotSender(install, install.Snapshot.Source.OpenRead(), options.SnapshotChunkBytes);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            logger.SnapshotSourceFailed(ex, install.Snapshot.Metadata.Index, PeerId);
            return false;
        }
    }

    private void Abandoned(SnapshotSender sender, string reason)
    {
        var s = sender.Message.Snapshot;
        logger.SnapshotAbandoned(s.Metadata.Index, PeerId, s.Source.Length - sender.Remaining, s.Source.Length, reason);
    }

    private async Task WriteLargeFrameAsync(NetworkStream stream, OutboundMessage item, CancellationToken ct)
    {
        var frameLength = FrameReader.LengthPrefixBytes + item.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(frameLength);
        try
        {
            EncodeFrame(item, buffer);
            await stream.WriteAsync(buffer.AsMemory(0, frameLength), ct).ConfigureAwait(false);
            statistics.FramesWritten(1, frameLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int EncodeFrame(OutboundMessage item, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)item.Length);
        MessageCodec.Encode(item.Message, destination.Slice(FrameReader.LengthPrefixBytes, item.Length));
        return FrameReader.LengthPrefixBytes + item.Length;
    }

    private bool TryTake(ref OutboundMessage? carry, out OutboundMessage item)
    {
        if (carry is { } held)
        {
            carry = null;
            item = held;
            return true;
        }

        if (queue.Reader.TryRead(out item))
        {
            Dequeued(item.Length);
            return true;
        }

        return false;
    }

    private void DiscardQueued()
    {
        long discarded = 0;
        while (queue.Reader.TryRead(out var item))
        {
            Dequeued(item.Length);
            discarded++;
        }

        if (discarded > 0)
        {
            statistics.Discarded(discarded);
        }
    }

    private void Dequeued(int length)
    {
        Release(length);
        statistics.QueueChanged(-1, -length);
    }

    private void Release(int length)
    {
        Interlocked.Decrement(ref queuedMessages);
        Interlocked.Add(ref queuedBytes, -length);
    }
}
