using System.Collections.Concurrent;
using System.Net;

namespace Raft.Cluster.Tests;

/// <summary>Reads keys back with linearizable GETs (POST /command type GET) and lists every key whose value is not the expected one.</summary>
internal static class Readback
{
    private const int Concurrency = 8;
    private const int Attempts = 5;
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// GETs every key of <paramref name="expected"/> through <paramref name="node"/>. A 503 or a missing answer is retried a few
    /// times (availability is not what this checks); a 404 or a different value is reported at once. Returns the problems.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MismatchesAsync(ServerNode node, IReadOnlyCollection<KeyValuePair<string, string>> expected)
    {
        ArgumentNullException.ThrowIfNull(node);
        var problems = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(expected, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (pair, token) =>
        {
            CommandReply reply = CommandReply.NoAnswer("not asked");
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                reply = await node.Client.GetAsync(pair.Key, token).ConfigureAwait(false);
                if (reply.Status is not (null or HttpStatusCode.ServiceUnavailable))
                {
                    break;
                }

                await Task.Delay(RetryPause, token).ConfigureAwait(false);
            }

            if (!reply.Acknowledged || reply.Result != pair.Value)
            {
                problems.Enqueue($"GET {pair.Key} via {node.Name}: expected '{pair.Value}', got {reply}");
            }
        }).ConfigureAwait(false);
        return [.. problems.Order(StringComparer.Ordinal)];
    }

    /// <summary>Asserts every key reads back with its value through every node of <paramref name="nodes"/>.</summary>
    public static async Task AssertAllReadableAsync(IEnumerable<ServerNode> nodes, IReadOnlyCollection<KeyValuePair<string, string>> expected)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        foreach (var node in nodes)
        {
            var problems = await MismatchesAsync(node, expected).ConfigureAwait(false);
            Assert.True(problems.Count == 0,
                $"{problems.Count} of {expected.Count} acknowledged writes do not read back through {node.Name}:\n{string.Join('\n', problems.Take(25))}");
        }
    }
}
