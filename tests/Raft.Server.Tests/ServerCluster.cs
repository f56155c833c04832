using System.Globalization;
using System.Text.Json;

namespace Raft.Server.Tests;

/// <summary>
/// node-1..node-N in this process, each on its own free HTTP and peer ports and temporary data directory, every one
/// listing the others in RAFT_PEERS. Disposing stops every node and removes the data.
/// </summary>
internal sealed class ServerCluster : IAsyncDisposable
{
    private readonly TempDirectory directory = new();

    private ServerCluster(int size, Action<Dictionary<string, string?>>? customize)
    {
        var ports = Enumerable.Range(0, size).Select(_ => (Http: FreePorts.Next(), Peer: FreePorts.Next())).ToArray();
        for (var i = 0; i < size; i++)
        {
            var name = $"node-{i + 1}";
            var dataDirectory = directory.Sub(name);
            var settings = ServerNode.DefaultSettings(name, ports[i].Http, ports[i].Peer, dataDirectory);
            settings["RAFT_PEERS"] = string.Join(",", Enumerable.Range(0, size).Where(j => j != i)
                .Select(j => string.Create(CultureInfo.InvariantCulture, $"node-{j + 1}@127.0.0.1:{ports[j].Http}:{ports[j].Peer}")));
            customize?.Invoke(settings);
            Nodes.Add(new ServerNode(name, ports[i].Http, ports[i].Peer, dataDirectory, settings));
        }
    }

    public List<ServerNode> Nodes { get; } = [];

    public IEnumerable<ServerNode> Running => Nodes.Where(n => n.IsRunning);

    public ServerNode this[string name] => Nodes.Single(n => n.Name == name);

    public static async Task<ServerCluster> StartAsync(int size, Action<Dictionary<string, string?>>? customize = null)
    {
        var cluster = new ServerCluster(size, customize);
        try
        {
            await Task.WhenAll(cluster.Nodes.Select(n => n.StartAsync()));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Waits until one running node is leader (state 2) and every running node names it, in the same term.</summary>
    public async Task<ServerNode> WaitForLeaderAsync(TimeSpan? timeout = null)
    {
        ServerNode? leader = null;
        await Poll.Eventually(
            async () =>
            {
                var running = Running.ToList();
                var statuses = new List<(ServerNode Node, JsonElement Status)>();
                foreach (var node in running)
                {
                    statuses.Add((node, await node.StatusAsync()));
                }

                var leaders = statuses.Where(s => s.Status.GetProperty("state").GetInt32() == 2).ToList();
                if (leaders.Count != 1)
                {
                    return false;
                }

                var (candidate, status) = leaders[0];
                var term = status.GetProperty("current_term").GetUInt64();
                leader = candidate;
                return statuses.All(s => s.Status.GetProperty("leader_id").GetString() == candidate.Name
                    && s.Status.GetProperty("current_term").GetUInt64() == term);
            },
            timeout ?? Poll.Default,
            "one leader is elected and every running node follows it");
        return leader!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Stop every node even if one fails to stop cleanly; report the first failure afterwards.
            var failures = new List<Exception>();
            foreach (var node in Nodes)
            {
                try
                {
                    await node.DisposeAsync();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures.Add(e);
                }
            }

            if (failures.Count > 0)
            {
                throw new AggregateException("stopping the cluster failed", failures);
            }
        }
        finally
        {
            directory.Dispose();
        }
    }
}
