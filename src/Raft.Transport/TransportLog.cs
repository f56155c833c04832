using System.Net;
using Microsoft.Extensions.Logging;

namespace Raft.Transport;

/// <summary>
/// Every log line of the transport, generated at compile time so that a disabled level costs nothing on hot paths.
/// Levels: Warning for what an operator must look at (a misbehaving or misconfigured peer, a lost connection, dropping),
/// Information for lifecycle, Debug for the repeated noise of a peer that stays down.
/// </summary>
internal static partial class TransportLog
{
    [LoggerMessage(1, LogLevel.Information, "Node {LocalId} listening for peers on {EndPoint}")]
    public static partial void Listening(this ILogger logger, ulong localId, EndPoint endPoint);

    [LoggerMessage(2, LogLevel.Information, "Accepted connection from node {PeerId} at {Remote}")]
    public static partial void InboundAccepted(this ILogger logger, ulong peerId, EndPoint? remote);

    [LoggerMessage(3, LogLevel.Warning, "Rejected connection from {Remote} (node {PeerId}): {Reason}")]
    public static partial void InboundRejected(this ILogger logger, EndPoint? remote, ulong peerId, string reason);

    [LoggerMessage(4, LogLevel.Debug, "Connection from node {PeerId} at {Remote} closed: {Reason}")]
    public static partial void InboundClosed(this ILogger logger, ulong peerId, EndPoint? remote, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Closed connection from {Remote}: already {Max} inbound connections")]
    public static partial void InboundLimitReached(this ILogger logger, EndPoint? remote, int max);

    [LoggerMessage(6, LogLevel.Information, "Connected to node {PeerId} at {Remote} from {Local}")]
    public static partial void Connected(this ILogger logger, ulong peerId, EndPoint? remote, EndPoint? local);

    [LoggerMessage(7, LogLevel.Debug, "Could not connect to node {PeerId} at {EndPoint}: {Reason}; retrying in {Delay}")]
    public static partial void ConnectFailed(this ILogger logger, ulong peerId, EndPoint endPoint, string reason, TimeSpan delay);

    [LoggerMessage(8, LogLevel.Warning, "Lost connection to node {PeerId} at {EndPoint}: {Reason}; reconnecting in {Delay}")]
    public static partial void ConnectionLost(this ILogger logger, ulong peerId, EndPoint endPoint, string reason, TimeSpan delay);

    [LoggerMessage(9, LogLevel.Warning, "Node {PeerId} at {EndPoint} refused our handshake: {Reason}")]
    public static partial void HandshakeRefused(this ILogger logger, ulong peerId, EndPoint endPoint, string reason);

    [LoggerMessage(10, LogLevel.Warning, "Queue to node {PeerId} is full ({Messages} messages, {Bytes} bytes): dropping messages until it drains")]
    public static partial void QueueFull(this ILogger logger, ulong peerId, long messages, long bytes);

    [LoggerMessage(11, LogLevel.Information, "Queue to node {PeerId} accepts messages again after dropping {Dropped}")]
    public static partial void QueueDraining(this ILogger logger, ulong peerId, long dropped);

    [LoggerMessage(12, LogLevel.Warning, "Dropped {Type} to node {PeerId}: {Length} bytes exceed the maximum frame of {Max}")]
    public static partial void MessageTooLarge(this ILogger logger, string type, ulong peerId, long length, int max);

    [LoggerMessage(13, LogLevel.Error, "The receive callback failed on {Type} from node {PeerId}")]
    public static partial void DeliveryFailed(this ILogger logger, Exception exception, string type, ulong peerId);

    [LoggerMessage(14, LogLevel.Information, "Received snapshot at index {Index} ({Length} bytes) from node {PeerId} into {Path}")]
    public static partial void SnapshotReceived(this ILogger logger, ulong index, long length, ulong peerId, string path);

    [LoggerMessage(15, LogLevel.Information, "Sent snapshot at index {Index} ({Length} bytes) to node {PeerId}")]
    public static partial void SnapshotSent(this ILogger logger, ulong index, long length, ulong peerId);

    [LoggerMessage(16, LogLevel.Information, "Abandoned snapshot at index {Index} for node {PeerId} after {Done} of {Length} bytes: {Reason}")]
    public static partial void SnapshotAbandoned(this ILogger logger, ulong index, ulong peerId, long done, long length, string reason);

    [LoggerMessage(17, LogLevel.Error, "Cannot read snapshot at index {Index} for node {PeerId}; dropped it")]
    public static partial void SnapshotSourceFailed(this ILogger logger, Exception exception, ulong index, ulong peerId);

    [LoggerMessage(18, LogLevel.Warning, "Accepting a peer connection failed")]
    public static partial void AcceptFailed(this ILogger logger, Exception exception);

    [LoggerMessage(19, LogLevel.Information, "Deleted {Count} snapshot spool files left by an earlier run in {Directory}")]
    public static partial void LeftoversDeleted(this ILogger logger, int count, string directory);

    [LoggerMessage(20, LogLevel.Error, "Unexpected failure on the connection to node {PeerId}")]
    public static partial void UnexpectedFailure(this ILogger logger, Exception exception, ulong peerId);
}
