using System.Globalization;
using System.Text;

namespace Raft.Cluster.Tests;

/// <summary>
/// A cluster of real raft-server processes on 127.0.0.1, on free ports, with data in a temporary directory that is deleted
/// when the cluster is disposed (after every process it started has been killed by its pid).
/// </summary>
internal sealed class LocalCluster : IDisposable
{
    private readonly string root;

    private LocalCluster(ClusterOptions options, string root, IReadOnlyList<ServerNode> nodes)
    {
        Options = options;
        this.root = root;
        Nodes = nodes;
    }

    public ClusterOptions Options { get; }

    public IReadOnlyList<ServerNode> Nodes { get; }

    public static LocalCluster Create(ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = Path.Combine(Path.GetTempPath(), "raft-cluster-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var names = Enumerable.Range(1, options.Size).Select(i => $"node-{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        var nodes = new List<ServerNode>();
        if (options.SeedVariablesOnly)
        {
            var ports = FreePorts.TakeWithOffset(options.Size, 1000);
            for (var i = 0; i < options.Size; i++)
            {
                var environment = new Dictionary<string, string>
                {
                    ["RAFT_NODE_ID"] = names[i],
                    ["RAFT_PORT"] = Text(ports[i]),
                    ["RAFT_PEERS"] = string.Join(',', Enumerable.Range(0, options.Size).Where(j => j != i).Select(j => $"{names[j]}:{Text(ports[j])}")),
                };

                // No RAFT_DATA_DIR: the server's default, data/<node id>, relative to the working directory (the temp root).
                nodes.Add(new ServerNode(names[i], ports[i], ports[i] + 1000, Path.Combine(root, "data", names[i]), root, environment));
            }
        }
        else
        {
            var ports = FreePorts.Take(2 * options.Size);
            for (var i = 0; i < options.Size; i++)
            {
                var dataDirectory = Path.Combine(root, names[i]);
                var environment = new Dictionary<string, string>
                {
                    ["RAFT_NODE_ID"] = names[i],
                    ["RAFT_BIND_ADDRESS"] = "127.0.0.1",
                    ["RAFT_PORT"] = Text(ports[2 * i]),
                    ["RAFT_PEER_PORT"] = Text(ports[(2 * i) + 1]),
                    ["RAFT_PEERS"] = string.Join(',', Enumerable.Range(0, options.Size).Where(j => j != i)
                        .Select(j => $"{names[j]}@127.0.0.1:{Text(ports[2 * j])}:{Text(ports[(2 * j) + 1])}")),
                    ["RAFT_DATA_DIR"] = dataDirectory,
                    ["RAFT_ELECTION_TIMEOUT_MIN"] = Text(options.ElectionTimeoutMinMs),
                    ["RAFT_ELECTION_TIMEOUT_MAX"] = Text(options.ElectionTimeoutMaxMs),
                    ["RAFT_HEARTBEAT_INTERVAL"] = Text(options.HeartbeatIntervalMs),
                    ["RAFT_REQUEST_TIMEOUT_MS"] = Text(options.RequestTimeoutMs),

                    // The server logs each request a follower forwards to the leader at Information (IHttpClientFactory's
                    // default: 4 lines per write); that drowns the Raft log lines kept for failure output and costs CPU.
                    ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Warning",
                };
                if (options.SnapshotInterval is { } interval)
                {
                    environment["RAFT_SNAPSHOT_INTERVAL"] = Text(interval);
                }

                nodes.Add(new ServerNode(names[i], ports[2 * i], ports[(2 * i) + 1], dataDirectory, root, environment));
            }
        }

        return new LocalCluster(options, root, nodes);
    }

    public ServerNode this[string name] => Nodes.Single(n => n.Name == name);

    public void StartAll()
    {
        foreach (var node in Nodes)
        {
            node.Start();
        }
    }

    /// <summary>
    /// Waits until every node of <paramref name="among"/> (default: all) answers /status and all of them name the same leader
    /// in the same term, and that leader (one of them) reports itself leader of that term.
    /// </summary>
    public async Task<(ServerNode Leader, NodeStatus Status)> WaitForLeaderAsync(TimeSpan timeout, IEnumerable<ServerNode>? among = null)
    {
        var group = (among ?? Nodes).ToList();
        IReadOnlyList<NodeStatus?> last = [];
        var found = await Eventually.UntilAsync<Tuple<ServerNode, NodeStatus>>(
            $"one leader agreed on by {string.Join(", ", group.Select(n => n.Name))}",
            timeout,
            async () =>
            {
                last = await StatusesAsync(group).ConfigureAwait(false);
                if (last.Any(s => s is null) || last[0]!.LeaderId is not { } leaderId)
                {
                    return null;
                }

                var term = last[0]!.CurrentTerm;
                if (last.Any(s => s!.LeaderId != leaderId || s.CurrentTerm != term))
                {
                    return null;
                }

                var index = group.FindIndex(n => n.Name == leaderId);
                return index >= 0 && last[index]!.IsLeader ? Tuple.Create(group[index], last[index]!) : null;
            },
            () => Describe(last)).ConfigureAwait(false);
        return (found.Item1, found.Item2);
    }

    public static async Task<IReadOnlyList<NodeStatus?>> StatusesAsync(IEnumerable<ServerNode> nodes) =>
        await Task.WhenAll(nodes.Select(n => n.Client.TryStatusAsync())).ConfigureAwait(false);

    public static string Describe(IEnumerable<NodeStatus?> statuses) =>
        string.Join("; ", statuses.Select(s => s?.ToString() ?? "(no answer)"));

    /// <summary>Every node's captured output, for the test log.</summary>
    public string Output()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"===== {node.Name} (http {node.HttpPort}, peer {node.PeerPort}) =====");
            text.Append(node.Output());
        }

        return text.ToString();
    }

    /// <summary>
    /// For the failure output: each live node's /status and the metrics that explain elections (counters, and the fsync
    /// latency histogram from 50 ms up: a follower stuck in a slow fsync on a busy disk stops acknowledging).
    /// </summary>
    public async Task<string> DiagnosticsAsync()
    {
        var text = new StringBuilder();
        foreach (var node in Nodes.Where(n => n.IsRunning && !n.IsPaused))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"===== {node.Name} diagnostics =====");
            text.AppendLine((await node.Client.TryStatusAsync().ConfigureAwait(false))?.ToString() ?? "(no /status answer)");
            try
            {
                var metrics = await node.Client.MetricsAsync().ConfigureAwait(false);
                foreach (var line in metrics.Split('\n'))
                {
                    if (line.StartsWith("raft_elections_total", StringComparison.Ordinal)
                        || line.StartsWith("raft_leader_changes_total", StringComparison.Ordinal)
                        || line.StartsWith("raft_snapshots_", StringComparison.Ordinal)
                        || line.StartsWith("raft_fsync_latency_seconds_sum", StringComparison.Ordinal)
                        || line.StartsWith("raft_fsync_latency_seconds_count", StringComparison.Ordinal)
                        || (line.StartsWith("raft_fsync_latency_seconds_bucket", StringComparison.Ordinal) && IsSlowBucket(line)))
                    {
                        text.AppendLine(line);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"(no /metrics answer: {e.Message})");
            }
        }

        return text.ToString();
    }

    public void Dispose()
    {
        List<Exception> errors = [];
        foreach (var node in Nodes)
        {
            try
            {
                node.Dispose();
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e);
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        // The shared parent goes too once the last cluster is gone (another test's cluster may still be in it).
        try
        {
            Directory.Delete(Path.GetDirectoryName(root)!);
        }
        catch (IOException)
        {
        }

        if (errors.Count > 0)
        {
            throw new AggregateException("Some server processes could not be killed.", errors);
        }
    }

    private static bool IsSlowBucket(string line)
    {
        var start = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
        var bound = line[start..line.IndexOf('"', start)];
        return bound == "+Inf" || (double.TryParse(bound, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0.05);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
