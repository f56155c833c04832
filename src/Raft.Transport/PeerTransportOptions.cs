using System.Net;
using System.Text;

namespace Raft.Transport;

/// <summary>
/// How a node talks to its peers. Every queue and buffer has an explicit limit here, so that the memory the transport can
/// use is known in advance whatever the network or the peers do.
/// </summary>
public sealed class PeerTransportOptions
{
    /// <summary>This node's id; sent in the handshake and checked against the From of every message received.</summary>
    public required ulong LocalId { get; init; }

    /// <summary>Both sides of a connection must name the same cluster, so that nodes of two clusters never mix.</summary>
    public required string ClusterId { get; init; }

    /// <summary>Where to listen for peers. Port 0 picks a free port; <see cref="PeerTransport.LocalEndPoint"/> tells which.</summary>
    public required IPEndPoint ListenEndPoint { get; init; }

    /// <summary>Where each peer listens, by node id (an entry for <see cref="LocalId"/> is ignored).</summary>
    public required IReadOnlyDictionary<ulong, EndPoint> Peers { get; init; }

    /// <summary>
    /// Local address for outgoing peer connections (a node is one address: ARCHITECTURE principle 7). When null, the address of
    /// <see cref="ListenEndPoint"/> is used unless it is a wildcard (Any / IPv6Any), in which case the OS chooses.
    /// </summary>
    public IPAddress? OutgoingBindAddress { get; init; }

    /// <summary>Largest frame accepted or sent. Bounds one AppendEntries batch; snapshots are chunked below it.</summary>
    public int MaxFrameBytes { get; init; } = 16 << 20;

    /// <summary>Messages waiting for one peer; beyond it <see cref="PeerTransport.Send"/> drops and returns false.</summary>
    public int MaxQueuedMessagesPerPeer { get; init; } = 4096;

    /// <summary>Encoded bytes waiting for one peer; beyond it <see cref="PeerTransport.Send"/> drops and returns false.</summary>
    public long MaxQueuedBytesPerPeer { get; init; } = 64L << 20;

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Time a dialer has to connect and complete the handshake, and a listener waits for a hello.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Inbound connections open at once; more are closed on accept, so a flood of sockets cannot exhaust the node.</summary>
    public int MaxInboundConnections { get; init; } = 256;

    /// <summary>
    /// Where received snapshots are spooled (default: <see cref="Path.GetTempPath"/>). Give each node a directory of its own
    /// (for example under its data directory, on the same file system as its snapshot store so that a received file can be
    /// moved into place): spool files that an earlier run of the node left there are deleted when the transport starts.
    /// In the shared default directory nothing is deleted at start.
    /// </summary>
    public string? SnapshotTempDirectory { get; init; }

    /// <summary>Data bytes per snapshot chunk frame; must fit in a frame with its type byte.</summary>
    public int SnapshotChunkBytes { get; init; } = 1 << 20;

    internal string EffectiveSnapshotDirectory => SnapshotTempDirectory ?? Path.GetTempPath();

    internal IPAddress? EffectiveOutgoingBindAddress =>
        OutgoingBindAddress ?? (ListenEndPoint.Address.Equals(IPAddress.Any) || ListenEndPoint.Address.Equals(IPAddress.IPv6Any) ? null : ListenEndPoint.Address);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ClusterId, nameof(ClusterId));
        ArgumentNullException.ThrowIfNull(ListenEndPoint, nameof(ListenEndPoint));
        ArgumentNullException.ThrowIfNull(Peers, nameof(Peers));
        Require(LocalId != 0, "LocalId must not be 0 (reserved for 'no node').");
        var clusterBytes = Encoding.UTF8.GetByteCount(ClusterId);
        Require(clusterBytes is > 0 and <= Handshake.MaxClusterIdBytes, $"ClusterId must be 1 to {Handshake.MaxClusterIdBytes} UTF-8 bytes.");
        Require(MaxFrameBytes >= 1024, "MaxFrameBytes must be at least 1024.");
        Require(MaxQueuedMessagesPerPeer > 0, "MaxQueuedMessagesPerPeer must be positive.");
        Require(MaxQueuedBytesPerPeer > 0, "MaxQueuedBytesPerPeer must be positive.");
        Require(ReconnectMinDelay > TimeSpan.Zero && ReconnectMaxDelay >= ReconnectMinDelay, "Reconnect delays must satisfy 0 < min <= max.");
        Require(HandshakeTimeout > TimeSpan.Zero, "HandshakeTimeout must be positive.");
        Require(MaxInboundConnections > 0, "MaxInboundConnections must be positive.");
        Require(SnapshotChunkBytes > 0 && SnapshotChunkBytes < MaxFrameBytes, "SnapshotChunkBytes must be positive and below MaxFrameBytes.");
        ValidatePeers(Peers);
    }

    internal static void ValidatePeers(IReadOnlyDictionary<ulong, EndPoint> peers)
    {
        foreach (var (id, endPoint) in peers)
        {
            Require(id != 0, "Peer id 0 is reserved for 'no node'.");
            Require(endPoint is IPEndPoint or DnsEndPoint, $"Peer {id}: the endpoint must be an IPEndPoint or a DnsEndPoint.");
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
