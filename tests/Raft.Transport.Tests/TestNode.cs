using System.Net;
using System.Threading.Channels;
using Raft.Core.Messages;

namespace Raft.Transport.Tests;

/// <summary>A started <see cref="PeerTransport"/> on 127.0.0.1 (port 0) whose received messages can be awaited.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    public const string Cluster = "test-cluster";

    private readonly Channel<Message> received = Channel.CreateUnbounded<Message>();

    // Read by one test at a time (a test awaits its receives in sequence), so it needs no lock.
    private readonly List<Message> unmatched = [];

    private TestNode(PeerTransportOptions options)
    {
        Options = options;
        Transport = new PeerTransport(options, m => received.Writer.TryWrite(m), Logger);
    }

    public PeerTransportOptions Options { get; }

    public PeerTransport Transport { get; }

    public TestLogger Logger { get; } = new();

    public ulong Id => Options.LocalId;

    public IPEndPoint EndPoint => Transport.LocalEndPoint;

    public PeerTransportStatistics Statistics => Transport.Statistics;

    public static PeerTransportOptions MakeOptions(
        ulong id,
        string clusterId = Cluster,
        IPAddress? address = null,
        int port = 0,
        IReadOnlyDictionary<ulong, EndPoint>? peers = null,
        int maxFrameBytes = 16 << 20,
        int maxQueuedMessages = 4096,
        long maxQueuedBytes = 64L << 20,
        string? snapshotDirectory = null,
        int snapshotChunkBytes = 1 << 20,
        TimeSpan? handshakeTimeout = null,
        IPAddress? outgoingBindAddress = null) => new()
        {
            LocalId = id,
            ClusterId = clusterId,
            ListenEndPoint = new IPEndPoint(address ?? IPAddress.Loopback, port),
            Peers = peers ?? new Dictionary<ulong, EndPoint>(),
            MaxFrameBytes = maxFrameBytes,
            MaxQueuedMessagesPerPeer = maxQueuedMessages,
            MaxQueuedBytesPerPeer = maxQueuedBytes,
            SnapshotTempDirectory = snapshotDirectory,
            SnapshotChunkBytes = snapshotChunkBytes,
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(5),
            OutgoingBindAddress = outgoingBindAddress,
        };

    public static async Task<TestNode> StartAsync(PeerTransportOptions options)
    {
        var node = new TestNode(options);
        await node.Transport.StartAsync();
        return node;
    }

    public static Task<TestNode> StartAsync(ulong id) => StartAsync(MakeOptions(id));

    /// <summary>Tells every node where every other node listens (ports are only known once started).</summary>
    public static void Introduce(params TestNode[] nodes)
    {
        var peers = nodes.ToDictionary(n => n.Id, n => (EndPoint)n.EndPoint);
        foreach (var node in nodes)
        {
            node.Transport.UpdatePeers(peers);
        }
    }

    public void AddPeer(ulong id, EndPoint endPoint) =>
        Transport.UpdatePeers(new Dictionary<ulong, EndPoint>(Options.Peers) { [id] = endPoint });

    /// <summary>
    /// The first received message of type <typeparamref name="T"/> that matches, in arrival order. Messages that do not
    /// match stay available for later calls.
    /// </summary>
    public async Task<T> ReceiveAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : Message
    {
        bool Matches(Message m) => m is T typed && (match?.Invoke(typed) ?? true);
        var index = unmatched.FindIndex(Matches);
        if (index >= 0)
        {
            var found = unmatched[index];
            unmatched.RemoveAt(index);
            return (T)found;
        }

        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Event);
        try
        {
            while (true)
            {
                var message = await received.Reader.ReadAsync(cts.Token);
                if (Matches(message))
                {
                    return (T)message;
                }

                unmatched.Add(message);
            }
        }
        catch (OperationCanceledException)
        {
            var log = string.Join(Environment.NewLine, Logger.Records.Select(r => $"  {r.Level} {r.EventName}: {r.Message}"));
            throw new TimeoutException($"Node {Id} received no matching {typeof(T).Name}. Its log:{Environment.NewLine}{log}");
        }
    }

    public bool TryReceive(out Message? message) => received.Reader.TryRead(out message) || TakeUnmatched(out message);

    private bool TakeUnmatched(out Message? message)
    {
        message = unmatched.FirstOrDefault();
        if (message is not null)
        {
            unmatched.RemoveAt(0);
        }

        return message is not null;
    }

    /// <summary>Stops the transport and checks that nothing it logged points at a bug in it.</summary>
    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        var unexpected = Logger.Records.Where(r => r.EventName == "UnexpectedFailure").ToList();
        Assert.True(unexpected.Count == 0, $"Node {Id} logged unexpected failures: {string.Join("; ", unexpected.Select(r => r.Exception))}");
    }
}
