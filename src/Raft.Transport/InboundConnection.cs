using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Raft.Core.Messages;
using Raft.Core.Storage;

namespace Raft.Transport;

/// <summary>
/// One connection a peer dialed to us: validates its hello, then reads frames and hands each decoded message to the
/// receive callback. Any protocol violation closes this connection only (logged and counted as rejected); the node carries on.
/// Received snapshots are spooled to a file and delivered once complete.
/// </summary>
internal sealed class InboundConnection
{
    private readonly Socket socket;
    private readonly PeerTransportOptions options;
    private readonly byte[] clusterId;
    private readonly Action<Message> onMessage;
    private readonly Action<InboundConnection> onAccepted;
    private readonly Action<InboundConnection> onClosed;
    private readonly PeerTransportStatistics statistics;
    private readonly ILogger logger;

    public InboundConnection(
        Socket socket,
        PeerTransportOptions options,
        byte[] clusterId,
        Action<Message> onMessage,
        Action<InboundConnection> onAccepted,
        Action<InboundConnection> onClosed,
        PeerTransportStatistics statistics,
        ILogger logger)
    {
        this.socket = socket;
        this.options = options;
        this.clusterId = clusterId;
        this.onMessage = onMessage;
        this.onAccepted = onAccepted;
        this.onClosed = onClosed;
        this.statistics = statistics;
        this.logger = logger;
        Remote = socket.RemoteEndPoint;
    }

    public EndPoint? Remote { get; }

    /// <summary>The node at the other end, once its hello has been accepted (0 before).</summary>
    public ulong PeerId { get; private set; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start(CancellationToken stopping) => Completion = Task.Run(() => RunAsync(stopping), CancellationToken.None);

    /// <summary>Closes the socket, which ends the read loop (the transport stops, or the same peer connected again).</summary>
    public void Abort() => socket.Dispose();

    private async Task RunAsync(CancellationToken stopping)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = new FrameReader(stream, options.MaxFrameBytes);
        SnapshotSpool? spool = null;
        try
        {
            PeerId = await HandshakeAsync(stream, reader, stopping).ConfigureAwait(false);
            onAccepted(this);
            while (await reader.ReadFrameAsync(stopping).ConfigureAwait(false) is { } frame)
            {
                statistics.FrameRead(FrameReader.LengthPrefixBytes + frame.Length);
                spool = await HandleFrameAsync(frame, spool, stopping).ConfigureAwait(false);
            }

            logger.InboundClosed(PeerId, Remote, "closed by the peer");
        }
        catch (ProtocolException ex)
        {
            statistics.Rejected();
            logger.InboundRejected(Remote, PeerId, ex.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is EndOfStreamException or SocketException or ObjectDisposedException
                                       || (ex is IOException && ex.InnerException is SocketException))
        {
            if (PeerId == 0)
            {
                // Gone before completing a hello: not a peer we can talk to.
                statistics.Rejected();
                logger.InboundRejected(Remote, PeerId, $"incomplete handshake: {ex.Message}");
            }
            else
            {
                logger.InboundClosed(PeerId, Remote, ex.Message);
            }
        }
        catch (Exception ex)
        {
            // Local trouble (a full disk while spooling a snapshot, ...): drop the connection, the peer will retry.
            logger.UnexpectedFailure(ex, PeerId);
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync().ConfigureAwait(false);
                logger.SnapshotAbandoned(spool.Index, spool.From, spool.Received, spool.Expected, "connection closed");
            }

            reader.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            onClosed(this);
        }
    }

    private async Task<ulong> HandshakeAsync(NetworkStream stream, FrameReader reader, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.HandshakeTimeout);
        try
        {
            var prefix = await reader.ReadExactlyAsync(Handshake.HelloPrefixLength, timeout.Token).ConfigureAwait(false);
            // Bad magic throws here without an answer: whatever connected does not speak our protocol.
            var (version, bodyLength) = Handshake.ReadHelloPrefix(prefix.Span);
            var body = await reader.ReadExactlyAsync(bodyLength, timeout.Token).ConfigureAwait(false);
            var status = CheckHello(version, body.Span, out var senderId, out var reason);
            await stream.WriteAsync(Handshake.EncodeReply(status, options.LocalId), timeout.Token).ConfigureAwait(false);
            if (status != HandshakeStatus.Accepted)
            {
                PeerId = senderId;
                throw new ProtocolException(reason);
            }

            return senderId;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new ProtocolException($"No complete hello within {options.HandshakeTimeout}.");
        }
    }

    private HandshakeStatus CheckHello(ushort version, ReadOnlySpan<byte> body, out ulong senderId, out string reason)
    {
        senderId = 0;
        if (version != Handshake.ProtocolVersion)
        {
            reason = $"unsupported protocol version {version} (this node speaks {Handshake.ProtocolVersion})";
            return HandshakeStatus.UnsupportedVersion;
        }

        ReadOnlySpan<byte> theirCluster;
        try
        {
            senderId = Handshake.ReadHelloBody(body, out theirCluster);
        }
        catch (ProtocolException ex)
        {
            reason = ex.Message;
            return HandshakeStatus.InvalidHello;
        }

        if (!theirCluster.SequenceEqual(clusterId))
        {
            reason = $"node {senderId} belongs to cluster '{Handshake.Describe(theirCluster)}', not '{options.ClusterId}'";
            return HandshakeStatus.WrongCluster;
        }

        if (senderId == options.LocalId)
        {
            reason = $"the hello claims this node's own id {senderId}";
            return HandshakeStatus.InvalidHello;
        }

        reason = string.Empty;
        return HandshakeStatus.Accepted;
    }

    /// <summary>Handles one frame; returns the snapshot transfer in progress afterwards (null if none).</summary>
    private async ValueTask<SnapshotSpool?> HandleFrameAsync(ReadOnlyMemory<byte> frame, SnapshotSpool? spool, CancellationToken ct)
    {
        if (frame.Span[0] == (byte)FrameType.SnapshotChunk)
        {
            if (spool is null)
            {
                throw new ProtocolException("Snapshot chunk without a snapshot in progress.");
            }

            // Spooling does file I/O (and an fsync at the end): off the thread that received the frame, which may be the
            // socket engine's own when completions run inline.
            await Task.Yield();
            await spool.AppendAsync(frame[1..], ct).ConfigureAwait(false);
            if (!spool.IsComplete)
            {
                return spool;
            }

            var received = await spool.CompleteAsync().ConfigureAwait(false);
            var source = (FileSnapshotSource)received.Snapshot.Source;
            statistics.SnapshotReceived();
            logger.SnapshotReceived(received.Snapshot.Metadata.Index, source.Length, received.From, source.Path);
            Deliver(received);
            return null;
        }

        var message = Decode(frame.Span);
        if (message is not InstallSnapshot install)
        {
            Deliver(message);
            return spool;
        }

        if (spool is not null)
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            logger.SnapshotAbandoned(spool.Index, spool.From, spool.Received, spool.Expected, "superseded by a newer snapshot");
        }

        if (install.Snapshot.Source.Length == 0)
        {
            Deliver(install with { Snapshot = install.Snapshot with { Source = MemorySnapshotSource.Empty } });
            return null;
        }

        await Task.Yield(); // creating the spool file reserves its space: file I/O, off the receiving thread as above
        return new SnapshotSpool(options.EffectiveSnapshotDirectory, options.LocalId, install);
    }

    private Message Decode(ReadOnlySpan<byte> payload)
    {
        var message = MessageCodec.Decode(payload);
        // The handshake authenticated the connection as one node: a message claiming another sender, or addressed to
        // another node, means a confused or forged peer, and Raft must not act on it.
        if (message.From != PeerId)
        {
            throw new ProtocolException($"{message.GetType().Name} claims to come from node {message.From} on node {PeerId}'s connection.");
        }

        return message.To == options.LocalId
            ? message
            : throw new ProtocolException($"{message.GetType().Name} is addressed to node {message.To}, this is node {options.LocalId}.");
    }

    private void Deliver(Message message)
    {
        try
        {
            onMessage(message);
            statistics.MessageDelivered();
        }
        catch (Exception ex)
        {
            // The callback's bug is not the peer's fault: keep the connection, but make the failure loud.
            logger.DeliveryFailed(ex, message.GetType().Name, message.From);
        }
    }
}
