using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Raft.Cluster.Tests;

/// <summary>
/// Closed-loop clients that SET unique keys through a changing set of target nodes and record every acknowledged write (HTTP
/// 200 with success true). A key is written once: an attempt that fails or has an unknown outcome is not retried, the next
/// attempt uses a new key. After a failed attempt a client waits a moment before the next one (client pacing, so a client
/// facing a dead node does not spin on the 2 cores the cluster needs).
/// </summary>
internal sealed class BackgroundWriter : IAsyncDisposable
{
    private static readonly TimeSpan PauseAfterFailure = TimeSpan.FromMilliseconds(20);

    private readonly string prefix;
    private readonly int clients;
    private readonly ConcurrentQueue<AcknowledgedWrite> acknowledged = new();
    private readonly ConcurrentDictionary<string, int> failures = new();
    private readonly ConcurrentQueue<(int Client, string Via, long SentAt, long AnsweredAt, string Outcome)> attemptLog = new();
    private readonly ConcurrentQueue<(string Key, string Value, string Via, CommandReply Reply)> failed = new();
    private readonly CancellationTokenSource stop = new();
    private ServerNode[] targets;
    private Task[] running = [];
    private long attempts;

    public BackgroundWriter(string prefix, int clients, IEnumerable<ServerNode> targets)
    {
        this.prefix = prefix;
        this.clients = clients;
        this.targets = [.. targets];
    }

    /// <summary>The nodes clients send to, round robin (replaceable while running, e.g. to leave out a paused node).</summary>
    public IReadOnlyList<ServerNode> Targets
    {
        get => Volatile.Read(ref targets);
        set => Volatile.Write(ref targets, [.. value]);
    }

    public long Attempts => Interlocked.Read(ref attempts);

    public int AcknowledgedCount => acknowledged.Count;

    public IReadOnlyList<AcknowledgedWrite> Acknowledged => [.. acknowledged];

    /// <summary>Every attempt that was not acknowledged, with the answer (or the transport error) it got.</summary>
    public IReadOnlyList<(string Key, string Value, string Via, CommandReply Reply)> Failed => [.. failed];

    public void Start() => running = [.. Enumerable.Range(0, clients).Select(client => Task.Run(() => RunClientAsync(client)))];

    /// <summary>Stops the clients and waits for each one's last request to finish (its outcome is recorded like any other).</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>The first acknowledgement of a write that was sent at or after <paramref name="timestamp"/>, as time since it.</summary>
    public TimeSpan? FirstAcknowledgedSentAfter(long timestamp)
    {
        var first = acknowledged.Where(w => w.SentAt >= timestamp).Select(w => w.AnsweredAt).DefaultIfEmpty(long.MaxValue).Min();
        return first == long.MaxValue ? null : Stopwatch.GetElapsedTime(timestamp, first);
    }

    /// <summary>The most frequent failure messages, for the test log.</summary>
    public string FailureSummary() =>
        failures.IsEmpty
            ? "no failed attempts"
            : string.Join("; ", failures.OrderByDescending(f => f.Value).Take(8).Select(f => $"{f.Value.ToString(CultureInfo.InvariantCulture)} x {f.Key}"));

    /// <summary>Every attempt sent or answered between the two timestamps, relative to <paramref name="origin"/>, for the test log.</summary>
    public string Timeline(long origin, long from, long to) =>
        string.Join('\n', attemptLog.Where(a => a.AnsweredAt >= from && a.SentAt <= to).OrderBy(a => a.SentAt).Select(a =>
            $"client {a.Client.ToString(CultureInfo.InvariantCulture)} via {a.Via}: sent {Stopwatch.GetElapsedTime(origin, a.SentAt).TotalMilliseconds:0} ms, answered {Stopwatch.GetElapsedTime(origin, a.AnsweredAt).TotalMilliseconds:0} ms: {a.Outcome}"));

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task RunClientAsync(int client)
    {
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var current = Targets;
            var target = current[(client + sequence) % current.Count];
            var key = $"{prefix}-c{client.ToString(CultureInfo.InvariantCulture)}-{sequence.ToString(CultureInfo.InvariantCulture)}";
            var value = $"value-of-{key}";
            Interlocked.Increment(ref attempts);
            var sentAt = Stopwatch.GetTimestamp();
            var reply = await target.Client.SetAsync(key, value, CancellationToken.None).ConfigureAwait(false);
            attemptLog.Enqueue((client, target.Name, sentAt, Stopwatch.GetTimestamp(), reply.Acknowledged ? "ok" : Shorten(reply)));
            if (reply.Acknowledged)
            {
                acknowledged.Enqueue(new AcknowledgedWrite(key, value, target.Name, sentAt, Stopwatch.GetTimestamp()));
                continue;
            }

            failed.Enqueue((key, value, target.Name, reply));
            failures.AddOrUpdate(Shorten(reply), 1, (_, count) => count + 1);
            try
            {
                await Task.Delay(PauseAfterFailure, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Shorten(CommandReply reply)
    {
        var text = reply.ToString();
        return text.Length <= 160 ? text : text[..160];
    }
}
