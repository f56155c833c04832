namespace Raft.Transport;

/// <summary>
/// Live counters of one <see cref="PeerTransport"/>, safe to read from any thread (each value is read atomically; the set is
/// not a consistent snapshot). Made for metrics and for tests that prove limits hold.
/// </summary>
public sealed class PeerTransportStatistics
{
    private long framesSent;
    private long framesReceived;
    private long bytesSent;
    private long bytesReceived;
    private long messagesDelivered;
    private long droppedQueueFull;
    private long droppedUnknownPeer;
    private long droppedTooLarge;
    private long droppedNotRunning;
    private long discardedOnDisconnect;
    private long connectionsAccepted;
    private long connectionsRejected;
    private long connectsSucceeded;
    private long connectFailures;
    private long handshakesRefusedByPeer;
    private long reconnects;
    private long snapshotsSent;
    private long snapshotsReceived;
    private long queuedMessages;
    private long queuedBytes;
    private long peakQueuedMessagesPerPeer;
    private long peakQueuedBytesPerPeer;

    /// <summary>Frames written to peers (messages and snapshot chunks).</summary>
    public long FramesSent => Volatile.Read(ref framesSent);

    /// <summary>Frames read from peers after their handshake.</summary>
    public long FramesReceived => Volatile.Read(ref framesReceived);

    public long BytesSent => Volatile.Read(ref bytesSent);

    public long BytesReceived => Volatile.Read(ref bytesReceived);

    /// <summary>Messages handed to the receive callback (a snapshot counts once, when complete).</summary>
    public long MessagesDelivered => Volatile.Read(ref messagesDelivered);

    /// <summary>Backpressure: messages refused because a peer's queue was full by count or by bytes.</summary>
    public long DroppedQueueFull => Volatile.Read(ref droppedQueueFull);

    public long DroppedUnknownPeer => Volatile.Read(ref droppedUnknownPeer);

    /// <summary>Messages whose encoding exceeds the maximum frame size.</summary>
    public long DroppedTooLarge => Volatile.Read(ref droppedTooLarge);

    /// <summary>Messages sent before start or after dispose.</summary>
    public long DroppedNotRunning => Volatile.Read(ref droppedNotRunning);

    /// <summary>Queued messages thrown away because the connection to their peer failed (Raft retransmits).</summary>
    public long DiscardedOnDisconnect => Volatile.Read(ref discardedOnDisconnect);

    /// <summary>Inbound connections whose handshake was accepted.</summary>
    public long ConnectionsAccepted => Volatile.Read(ref connectionsAccepted);

    /// <summary>Inbound connections closed for a protocol violation: bad handshake, garbage, oversized frame, undecodable message, too many connections.</summary>
    public long ConnectionsRejected => Volatile.Read(ref connectionsRejected);

    /// <summary>Outbound connections that completed their handshake.</summary>
    public long ConnectsSucceeded => Volatile.Read(ref connectsSucceeded);

    /// <summary>Outbound connection attempts that failed (refused, timed out, handshake refused).</summary>
    public long ConnectFailures => Volatile.Read(ref connectFailures);

    /// <summary>Outbound handshakes that the peer answered with a refusal (wrong cluster, unsupported version).</summary>
    public long HandshakesRefusedByPeer => Volatile.Read(ref handshakesRefusedByPeer);

    /// <summary>Outbound connections established to a peer that had been connected before.</summary>
    public long Reconnects => Volatile.Read(ref reconnects);

    public long SnapshotsSent => Volatile.Read(ref snapshotsSent);

    public long SnapshotsReceived => Volatile.Read(ref snapshotsReceived);

    /// <summary>Messages waiting in all peers' queues now.</summary>
    public long QueuedMessages => Volatile.Read(ref queuedMessages);

    /// <summary>Encoded bytes waiting in all peers' queues now.</summary>
    public long QueuedBytes => Volatile.Read(ref queuedBytes);

    /// <summary>The most messages any single peer's queue has held; never above <see cref="PeerTransportOptions.MaxQueuedMessagesPerPeer"/>.</summary>
    public long PeakQueuedMessagesPerPeer => Volatile.Read(ref peakQueuedMessagesPerPeer);

    /// <summary>The most bytes any single peer's queue has held; never above <see cref="PeerTransportOptions.MaxQueuedBytesPerPeer"/>.</summary>
    public long PeakQueuedBytesPerPeer => Volatile.Read(ref peakQueuedBytesPerPeer);

    internal void FramesWritten(long frames, long bytes)
    {
        Interlocked.Add(ref framesSent, frames);
        Interlocked.Add(ref bytesSent, bytes);
    }

    internal void FrameRead(long bytes)
    {
        Interlocked.Increment(ref framesReceived);
        Interlocked.Add(ref bytesReceived, bytes);
    }

    internal void MessageDelivered() => Interlocked.Increment(ref messagesDelivered);

    internal void QueueFull() => Interlocked.Increment(ref droppedQueueFull);

    internal void UnknownPeer() => Interlocked.Increment(ref droppedUnknownPeer);

    internal void TooLarge() => Interlocked.Increment(ref droppedTooLarge);

    internal void NotRunning() => Interlocked.Increment(ref droppedNotRunning);

    internal void Discarded(long messages) => Interlocked.Add(ref discardedOnDisconnect, messages);

    internal void Accepted() => Interlocked.Increment(ref connectionsAccepted);

    internal void Rejected() => Interlocked.Increment(ref connectionsRejected);

    internal void Connected(bool isReconnect)
    {
        Interlocked.Increment(ref connectsSucceeded);
        if (isReconnect)
        {
            Interlocked.Increment(ref reconnects);
        }
    }

    internal void ConnectFailed() => Interlocked.Increment(ref connectFailures);

    internal void RefusedByPeer() => Interlocked.Increment(ref handshakesRefusedByPeer);

    internal void SnapshotSent() => Interlocked.Increment(ref snapshotsSent);

    internal void SnapshotReceived() => Interlocked.Increment(ref snapshotsReceived);

    internal void QueueChanged(long messages, long bytes)
    {
        Interlocked.Add(ref queuedMessages, messages);
        Interlocked.Add(ref queuedBytes, bytes);
    }

    internal void ObservePeerQueue(long messages, long bytes)
    {
        RaiseTo(ref peakQueuedMessagesPerPeer, messages);
        RaiseTo(ref peakQueuedBytesPerPeer, bytes);
    }

    private static void RaiseTo(ref long peak, long value)
    {
        long current;
        while (value > (current = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, current) != current)
        {
        }
    }
}
