using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Runtime.Tests;

/// <summary>Several <see cref="RaftHost"/>s in one process, wired through an <see cref="InMemoryNetwork"/>.</summary>
internal sealed class HostCluster : IAsyncDisposable
{
    private readonly TempDirectory? ownDirectory;

    private HostCluster(ulong[] ids, HostClusterOptions options)
    {
        Options = options;
        Ids = ids;
        ownDirectory = options.Directory is null ? new TempDirectory() : null;
        Directory = options.Directory ?? ownDirectory!.Path;
    }

    public HostClusterOptions Options { get; }

    public InMemoryNetwork Network { get; } = new();

    public ulong[] Ids { get; }

    public List<ClusterMember> Members { get; } = [];

    public string Directory { get; }

    public static HostCluster Start(int size = 3, HostClusterOptions? options = null)
    {
        var cluster = new HostCluster([.. Enumerable.Range(1, size).Select(i => (ulong)i)], options ?? new HostClusterOptions());
        try
        {
            foreach (var id in cluster.Ids)
            {
                cluster.Add(id);
            }
        }
        catch
        {
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        var started = cluster.Members.Take(cluster.Options.StartCount ?? size).ToList();
        foreach (var member in started)
        {
            cluster.Network.Attach(member.Id, member.Host);
        }

        foreach (var member in started)
        {
            member.Host.Start();
        }

        return cluster;
    }

    public RaftHostOptions HostOptions(ulong id) => new()
    {
        Raft = new RaftOptions
        {
            Id = id,
            InitialConfiguration = new ClusterConfiguration(Ids),
            ElectionTimeoutMinTicks = 20,
            ElectionTimeoutMaxTicks = 40,
            HeartbeatIntervalTicks = 3,
            CheckQuorum = Options.CheckQuorum,
            RandomSeed = (int)id * 7919,
        },
        TickInterval = TimeSpan.FromMilliseconds(10),
        RequestTimeout = Options.RequestTimeout,
        SnapshotInterval = Options.SnapshotInterval,
        SnapshotTrailingEntries = Options.SnapshotTrailingEntries,
        SnapshotScratchDirectory = Path.Combine(Directory, $"scratch-{id}"),
    };

    public ClusterMember Member(ulong id) => Members.Single(m => m.Id == id);

    /// <summary>Waits until one reachable host leads and every other reachable host follows it; returns the leader.</summary>
    public async Task<ClusterMember> WaitForLeaderAsync(IReadOnlyCollection<ulong>? among = null)
    {
        var candidates = Members.Where(m => !m.Disposed && (among is null || among.Contains(m.Id))).ToList();
        ClusterMember? leader = null;
        await Eventually.HoldsAsync(
            () =>
            {
                var leaders = candidates.Where(m => m.Host.Status.Role == RaftRole.Leader).ToList();
                if (leaders.Count != 1)
                {
                    return false;
                }

                leader = leaders[0];
                var id = leader.Id;
                return candidates.All(m => m.Host.Status.LeaderId == id && m.Host.Status.Term == leader.Host.Status.Term);
            },
            "one leader is elected and known to every member");
        return leader!;
    }

    public async Task DisposeMemberAsync(ClusterMember member)
    {
        Network.Detach(member.Id);
        if (!member.Disposed)
        {
            member.Disposed = true;
            await member.Host.DisposeAsync();
        }

        (member.Store as IDisposable)?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var member in Members)
            {
                await DisposeMemberAsync(member);
            }
        }
        finally
        {
            ownDirectory?.Dispose();
        }
    }

    private void Add(ulong id)
    {
        var store = Options.StoreFactory?.Invoke(id, Path.Combine(Directory, $"store-{id}")) ?? new MemoryLogStore();
        try
        {
            var stateMachine = new RecordingStateMachine();
            var transport = Network.TransportFor(id);
            var host = new RaftHost(HostOptions(id), store, transport, stateMachine, Options.Time);
            Members.Add(new ClusterMember(id, host, store, stateMachine, transport));
        }
        catch
        {
            (store as IDisposable)?.Dispose();
            throw;
        }
    }
}
