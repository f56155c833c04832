using System.Collections.Concurrent;
using System.Globalization;

namespace Raft.Cluster.Tests;

/// <summary>Batches of SETs that must all be acknowledged.</summary>
internal static class Writes
{
    /// <summary>SETs <paramref name="count"/> keys named prefix-i through the given nodes (round robin), 8 at a time; asserts each is acknowledged.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> SetAllAsync(string prefix, int count, IReadOnlyList<ServerNode> through)
    {
        ArgumentNullException.ThrowIfNull(through);
        var written = new ConcurrentDictionary<string, string>();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            var key = $"{prefix}-{i.ToString(CultureInfo.InvariantCulture)}";
            var value = $"{prefix} value {i.ToString(CultureInfo.InvariantCulture)}";
            var node = through[i % through.Count];
            var reply = await node.Client.SetAsync(key, value, token).ConfigureAwait(false);
            if (reply.Acknowledged)
            {
                written[key] = value;
            }
            else
            {
                failures.Enqueue($"SET {key} through {node.Name}: {reply}");
            }
        }).ConfigureAwait(false);
        Assert.True(failures.IsEmpty, $"{failures.Count} of {count} writes failed on a healthy cluster:\n{string.Join('\n', failures.Take(10))}");
        return written;
    }
}
