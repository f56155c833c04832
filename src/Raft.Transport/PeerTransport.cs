using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core.Messages;

namespace Raft.Transport;

/// <summary>
/// Carries Raft messages between nodes over persistent TCP connections with a compact binary protocol.
/// Each node dials one connection to each peer and sends its messages over it; it listens for the connections its peers
/// dial and delivers what arrives on them. See <see cref="Handshake"/>, <see cref="FrameReader"/> and <see cref="MessageCodec"/>
/// for the wire format, <see cref="OutboundPeer"/> for queueing, backpressure and reconnects.
/// <para>
/// The receive callback is called from the connections' tasks, concurrently for different peers and in order per peer. It
/// must be quick and must not block (post into the driver's channel: ARCHITECTURE principle 8); while it runs, that peer's
/// connection is not read, which is what pushes back on a sender that outpaces us.
/// </para>
/// </summary>
public sealed class PeerTransport : IAsyncDisposable
{
    private const int Created = 0;
    private const int Running = 1;
    private const int Disposed = 2;

    private readonly PeerTransportOptions options;
    private readonly Action<Message> onMessage;
    private readonly ILogger logger;
    private readonly byte[] clusterId;
    private readonly byte[] hello;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<ulong, OutboundPeer> outbound = new();
    private readonly HashSet<InboundConnection> inbound = [];
    private readonly Dictionary<ulong, InboundConnection> inboundByPeer = [];
    private readonly List<Task> retiring = [];
    private Socket? listener;
    private Task acceptLoop = Task.CompletedTask;
    private IPEndPoint? localEndPoint;
    private int state;

    public PeerTransport(PeerTransportOptions options, Action<Message> onMessage, ILogger<PeerTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onMessage);
        options.Validate();
        this.options = options;
        this.onMessage = onMessage;
        this.logger = logger ?? NullLogger<PeerTransport>.Instance;
        clusterId = Encoding.UTF8.GetBytes(options.ClusterId);
        hello = Handshake.EncodeHello(options.LocalId, clusterId);
        foreach (var (id, endPoint) in options.Peers)
        {
            if (id != options.LocalId)
            {
                outbound[id] = CreatePeer(id, endPoint);
            }
        }
    }

    /// <summary>The endpoint actually listened on (with the real port when the options said 0). Available after <see cref="StartAsync"/>.</summary>
    public IPEndPoint LocalEndPoint => localEndPoint ?? throw new InvalidOperationException("The transport has not been started.");

    public PeerTransportStatistics Statistics { get; } = new();

    /// <summary>Starts listening. Outgoing connections are made when there is a first message for a peer, and remade after failures.</summary>
    public Task StartAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        lock (gate)
        {
            if (state != Created)
            {
                throw new InvalidOperationException(state == Running ? "The transport is already started." : "The transport is disposed.");
            }

            // Nobody owns spool files of an earlier run of this node any more: reclaim the disk before receiving new ones.
            // Only in a directory configured for this node: in the shared temp directory another process may be a node with
            // the same id (another cluster, another test run) whose files are very much alive.
            if (options.SnapshotTempDirectory is { } directory)
            {
                var deleted = SnapshotSpool.DeleteLeftovers(directory, options.LocalId);
                if (deleted > 0)
                {
                    logger.LeftoversDeleted(deleted, directory);
                }
            }

            listener = PeerSockets.Listen(options.ListenEndPoint);
            localEndPoint = (IPEndPoint)listener.LocalEndPoint!;
            state = Running;
            var socket = listener;
            acceptLoop = Task.Run(() => AcceptLoopAsync(socket, stopping.Token), CancellationToken.None);
        }

        logger.Listening(options.LocalId, localEndPoint);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Queues <paramref name="message"/> for <see cref="Message.To"/>. Never blocks. False when the message is dropped: the
    /// peer's queue is full (by count or bytes), the peer is unknown, the message exceeds the maximum frame size, or the
    /// transport is not running. Raft tolerates loss; the counters in <see cref="Statistics"/> say which happened.
    /// An InstallSnapshot counts only its header against the queue bounds: its data is streamed from its source when sent.
    /// </summary>
    public bool Send(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref state) != Running)
        {
            Statistics.NotRunning();
            return false;
        }

        if (message.From != options.LocalId)
        {
            // The receiver would reject the whole connection for it: a caller bug, reported where it happens.
            throw new ArgumentException($"Message from node {message.From} sent through the transport of node {options.LocalId}.", nameof(message));
        }

        if (!outbound.TryGetValue(message.To, out var peer))
        {
            Statistics.UnknownPeer();
            return false;
        }

        long length;
        try
        {
            length = MessageCodec.GetEncodedLength(message);
        }
        catch (ArgumentException)
        {
            length = long.MaxValue;
        }

        if (length > options.MaxFrameBytes)
        {
            Statistics.TooLarge();
            logger.MessageTooLarge(message.GetType().Name, message.To, length, options.MaxFrameBytes);
            return false;
        }

        return peer.TryEnqueue(message, (int)length);
    }

    /// <summary>
    /// Replaces the set of peers (membership change). Removed peers are disconnected and their queues discarded; a peer whose
    /// endpoint changed is reconnected at the new one; new peers are connected on their first message.
    /// </summary>
    public void UpdatePeers(IReadOnlyDictionary<ulong, EndPoint> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        PeerTransportOptions.ValidatePeers(peers);
        lock (gate)
        {
            if (state == Disposed)
            {
                return;
            }

            retiring.RemoveAll(t => t.IsCompleted);
            foreach (var (id, peer) in outbound)
            {
                if (!peers.TryGetValue(id, out var endPoint) || !endPoint.Equals(peer.EndPoint))
                {
                    outbound.TryRemove(id, out _);
                    retiring.Add(peer.StopAsync());
                }
            }

            foreach (var (id, endPoint) in peers)
            {
                if (id != options.LocalId && !outbound.ContainsKey(id))
                {
                    outbound[id] = CreatePeer(id, endPoint);
                }
            }
        }
    }

    /// <summary>Stops listening, closes every connection, ends every task and discards what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        InboundConnection[] connections;
        Task[] retired;
        lock (gate)
        {
            if (state == Disposed)
            {
                return;
            }

            Volatile.Write(ref state, Disposed);
            connections = [.. inbound];
            retired = [.. retiring];
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        listener?.Dispose();
        foreach (var connection in connections)
        {
            connection.Abort();
        }

        var tasks = new List<Task>(retired) { acceptLoop };
        tasks.AddRange(outbound.Values.Select(peer => peer.StopAsync()));
        tasks.AddRange(connections.Select(connection => connection.Completion));
        await Task.WhenAll(tasks).ConfigureAwait(false);
        outbound.Clear();
        stopping.Dispose();
    }

    private OutboundPeer CreatePeer(ulong id, EndPoint endPoint) => new(id, endPoint, options, hello, Statistics, logger);

    private async Task AcceptLoopAsync(Socket socket, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                // For example out of file descriptors: keep serving the connections we have, and try again shortly.
                logger.AcceptFailed(ex);
                try
                {
                    await Task.Delay(options.ReconnectMinDelay, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            Accept(accepted, ct);
        }
    }

    private void Accept(Socket socket, CancellationToken ct)
    {
        lock (gate)
        {
            if (state != Running)
            {
                socket.Dispose();
                return;
            }

            if (inbound.Count >= options.MaxInboundConnections)
            {
                Statistics.Rejected();
                logger.InboundLimitReached(socket.RemoteEndPoint, options.MaxInboundConnections);
                socket.Dispose();
                return;
            }

            PeerSockets.Configure(socket);
            var connection = new InboundConnection(socket, options, clusterId, onMessage, OnInboundAccepted, OnInboundClosed, Statistics, logger);
            inbound.Add(connection);
            // Started under the lock, so that DisposeAsync never sees a connection whose task it cannot await.
            connection.Start(ct);
        }
    }

    private void OnInboundAccepted(InboundConnection connection)
    {
        InboundConnection? previous;
        lock (gate)
        {
            inboundByPeer.TryGetValue(connection.PeerId, out previous);
            inboundByPeer[connection.PeerId] = connection;
        }

        // A peer dials one connection to us; a new one means it gave up on the old one (restart, lost FIN): close that.
        previous?.Abort();
        Statistics.Accepted();
        logger.InboundAccepted(connection.PeerId, connection.Remote);
    }

    private void OnInboundClosed(InboundConnection connection)
    {
        lock (gate)
        {
            inbound.Remove(connection);
            if (inboundByPeer.TryGetValue(connection.PeerId, out var current) && current == connection)
            {
                inboundByPeer.Remove(connection.PeerId);
            }
        }
    }
}
