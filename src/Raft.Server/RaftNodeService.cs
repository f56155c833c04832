using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Raft.Core;
using Raft.Core.Messages;
using Raft.KeyValue;
using Raft.Runtime;
using Raft.Storage;
using Raft.Transport;

namespace Raft.Server;

/// <summary>Owns this node's store, peer transport, state machine and Raft host, from start to shutdown.</summary>
public sealed class RaftNodeService : IHostedService, IAsyncDisposable
{
    private readonly ServerSettings settings;
    private readonly ILoggerFactory loggerFactory;
    private readonly ILogger logger;
    private FileLogStore? store;
    private PeerTransport? transport;
    private RaftHost? host;
    private CancellationTokenSource leadership = new();

    public RaftNodeService(ServerSettings settings, ClusterMembers members, ILoggerFactory loggerFactory)
    {
        this.settings = settings ?? throw new ArgumentNullException(nameof(settings));
        Members = members ?? throw new ArgumentNullException(nameof(members));
        this.loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        logger = loggerFactory.CreateLogger<RaftNodeService>();
    }

    public ClusterMembers Members { get; }

    public KeyValueStore StateMachine { get; } = new();

    public RaftHost Host => host ?? throw new InvalidOperationException("The node has not started.");

    /// <summary>Cancelled whenever this node sees the leader change (requests forwarded to the old leader stop waiting).</summary>
    public CancellationToken LeadershipChanged => Volatile.Read(ref leadership).Token;

    /// <summary>The peer transport's actual listen endpoint (useful when the port was 0).</summary>
    public System.Net.IPEndPoint? PeerEndPoint => transport?.LocalEndPoint;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Starting Raft node: {NodeId}", settings.NodeId);
        store = FileLogStore.Open(Path.GetFullPath(settings.DataDirectory), new FileLogStoreOptions { ClusterId = settings.ClusterId, Members = Members.Description });
        var ticksPerMs = 1.0 / settings.TickMs;
        var raftOptions = new RaftOptions
        {
            Id = Members.SelfId,
            InitialConfiguration = new ClusterConfiguration(Members.AllIds),
            ElectionTimeoutMinTicks = Math.Max(2, (int)Math.Round(settings.ElectionTimeoutMinMs * ticksPerMs)),
            ElectionTimeoutMaxTicks = Math.Max(3, (int)Math.Round(settings.ElectionTimeoutMaxMs * ticksPerMs)),
            HeartbeatIntervalTicks = Math.Max(1, (int)Math.Round(settings.HeartbeatIntervalMs * ticksPerMs)),
            RandomSeed = Random.Shared.Next(),
        };
        var hostOptions = new RaftHostOptions
        {
            Raft = raftOptions,
            TickInterval = TimeSpan.FromMilliseconds(settings.TickMs),
            RequestTimeout = TimeSpan.FromMilliseconds(settings.RequestTimeoutMs),
            SnapshotInterval = settings.SnapshotInterval,
            SnapshotTrailingEntries = Math.Min(10_000, settings.SnapshotInterval / 2),
            SnapshotScratchDirectory = Path.Combine(Path.GetFullPath(settings.DataDirectory), "tmp"),
            NodeName = id => Members.NameOf(id) ?? "none",
        };

        RaftHost? created = null;
        transport = new PeerTransport(
            new PeerTransportOptions
            {
                LocalId = Members.SelfId,
                ClusterId = settings.ClusterId,
                ListenEndPoint = new System.Net.IPEndPoint(settings.BindAddress, settings.PeerPort),
                Peers = Members.PeerEndPoints(),
                OutgoingBindAddress = settings.BindAddress,
                SnapshotTempDirectory = hostOptions.SnapshotScratchDirectory,
            },
            message => Volatile.Read(ref created)?.Deliver(message),
            loggerFactory.CreateLogger<PeerTransport>());
        created = new RaftHost(hostOptions, store, new TransportAdapter(transport), StateMachine, TimeProvider.System, loggerFactory.CreateLogger<RaftHost>());
        host = created;
        // CancelAsync: the callbacks (HTTP cancellations) run on the pool, not on the Raft loop that raises the event.
        host.LeaderChanged += leader => _ = Interlocked.Exchange(ref leadership, new CancellationTokenSource()).CancelAsync();
        await transport.StartAsync(cancellationToken).ConfigureAwait(false);
        host.Start();
        logger.LogInformation("Node {NodeId} (id {Id}) peer transport on {PeerEndPoint}, data in {DataDir}, peers: {Peers}",
            settings.NodeId, Members.SelfId, transport.LocalEndPoint, Path.GetFullPath(settings.DataDirectory),
            Members.Peers.Count == 0 ? "none (single-node cluster)" : string.Join(", ", Members.Peers.Select(p => $"{p.Name}@{p.Host}:{p.HttpPort}")));
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync().ConfigureAwait(false);
            host = null;
        }

        if (transport is not null)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            transport = null;
        }

        store?.Dispose();
        store = null;
        leadership.Dispose();
    }

    private sealed class TransportAdapter(PeerTransport transport) : IRaftTransport
    {
        public void Send(Message message) => transport.Send(message);
    }
}
