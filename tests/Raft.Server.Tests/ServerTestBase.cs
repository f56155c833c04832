namespace Raft.Server.Tests;

/// <summary>Starts clusters for a test and stops every one of them (and removes their data) when the test ends.</summary>
public abstract class ServerTestBase : IAsyncLifetime
{
    private readonly List<ServerCluster> clusters = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var cluster in clusters)
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (AggregateException e)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException(failures);
        }
    }

    internal async Task<ServerCluster> StartClusterAsync(int size, Action<Dictionary<string, string?>>? customize = null)
    {
        var cluster = await ServerCluster.StartAsync(size, customize);
        clusters.Add(cluster);
        return cluster;
    }

    /// <summary>A one-node cluster with its leader elected.</summary>
    internal async Task<ServerNode> StartSingleNodeAsync(Action<Dictionary<string, string?>>? customize = null)
    {
        var cluster = await StartClusterAsync(1, settings =>
        {
            // Alone, a node waits one election timeout before it leads: keep that short.
            settings["RAFT_ELECTION_TIMEOUT_MIN"] = "100";
            settings["RAFT_ELECTION_TIMEOUT_MAX"] = "200";
            customize?.Invoke(settings);
        });
        return await cluster.WaitForLeaderAsync();
    }
}
