using System.Diagnostics;
using System.Globalization;
using System.Net;
using HdrHistogram;
using Raft.Cli.Api;

namespace Raft.Cli.Benchmarking;

/// <summary>
/// Runs a benchmark: <c>--clients</c> closed-loop clients share one connection pool (one keep-alive HTTP/1.1
/// connection each) and take operations from a shared counter until <c>--operations</c> have been sent. An
/// operation succeeds when the server answers HTTP 200 with <c>"success": true</c>; anything else is a failure,
/// counted by its error message. The latency of each successful operation (request sent to response body read,
/// by <see cref="Stopwatch"/> timestamps) goes into an HdrHistogram in microseconds.
/// </summary>
internal sealed class BenchmarkRunner
{
    private const int MaxErrorKinds = 10;

    private readonly RaftApiClient client;
    private readonly BenchmarkWorkload workload;
    private readonly long highestTrackableMicros;
    private long nextOperation;
    private long completed;

    public BenchmarkRunner(RaftApiClient client, BenchmarkWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(workload);
        this.client = client;
        this.workload = workload;

        // Nothing can take longer than the request timeout; leave headroom for the time it takes to notice it.
        highestTrackableMicros = Math.Max(1_000_000L, (long)(client.Timeout.TotalMicroseconds * 2));
    }

    /// <summary>Operations finished so far (for the progress bar).</summary>
    public long Completed => Interlocked.Read(ref completed);

    /// <summary>
    /// Writes the seed keys that reads may ask for, one at a time and outside the measurement. A failure here
    /// ends the benchmark before it starts.
    /// </summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (string key in workload.SeedKeys)
        {
            CommandReply reply = await client.SendCommandAsync(KeyValueCommand.Set(key, workload.Value(0)), cancellationToken).ConfigureAwait(false);
            if (!reply.Succeeded)
            {
                var kind = reply.StatusCode == HttpStatusCode.ServiceUnavailable ? RaftApiErrorKind.Unavailable : RaftApiErrorKind.Rejected;
                throw new RaftApiException(kind, $"benchmark setup failed writing {key}: {Describe(reply)}");
            }
        }
    }

    public async Task<BenchmarkReport> RunAsync(CancellationToken cancellationToken)
    {
        int clients = workload.Settings.EffectiveClients;
        long start = Stopwatch.GetTimestamp();
        var workers = new Task<ClientTally>[clients];
        for (int c = 0; c < clients; c++)
        {
            int clientNumber = c;
            workers[c] = Task.Run(() => RunClientAsync(clientNumber, cancellationToken), cancellationToken);
        }

        ClientTally[] tallies = await Task.WhenAll(workers).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        return Summarise(tallies, elapsed);
    }

    private async Task<ClientTally> RunClientAsync(int clientNumber, CancellationToken cancellationToken)
    {
        var tally = new ClientTally(new LongHistogram(highestTrackableMicros, 3));
        var random = new Random(HashCode.Combine(workload.RunId, clientNumber));
        var written = new List<string>();
        IReadOnlyList<string> seeds = workload.SeedKeys;
        long operations = workload.Settings.Operations;
        while (true)
        {
            long operation = Interlocked.Increment(ref nextOperation) - 1;
            if (operation >= operations)
            {
                break;
            }

            KeyValueCommand command;
            bool isRead = workload.IsRead(operation) && (written.Count + seeds.Count) > 0;
            if (isRead)
            {
                int pick = random.Next(written.Count + seeds.Count);
                command = KeyValueCommand.Get(pick < seeds.Count ? seeds[pick] : written[pick - seeds.Count]);
                tally.Reads++;
            }
            else
            {
                command = KeyValueCommand.Set(workload.WriteKey(clientNumber, operation), workload.Value(operation));
                tally.Writes++;
            }

            long sent = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                CommandReply reply = await client.SendCommandAsync(command, cancellationToken).ConfigureAwait(false);
                error = reply.Succeeded ? null : Describe(reply);
            }
            catch (RaftApiException e)
            {
                error = e.Message;
            }

            long micros = (Stopwatch.GetTimestamp() - sent) * 1_000_000 / Stopwatch.Frequency;
            if (error is null)
            {
                tally.Successes++;
                tally.Record(Math.Clamp(micros, 1, highestTrackableMicros));
                if (!isRead)
                {
                    written.Add(command.Key);
                }
            }
            else
            {
                tally.Failures++;
                tally.Errors[error] = tally.Errors.GetValueOrDefault(error) + 1;
            }

            Interlocked.Increment(ref completed);
        }

        return tally;
    }

    private BenchmarkReport Summarise(ClientTally[] tallies, TimeSpan elapsed)
    {
        var latency = new LongHistogram(highestTrackableMicros, 3);
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        long successes = 0, failures = 0, reads = 0, writes = 0, minimum = long.MaxValue;
        foreach (ClientTally tally in tallies)
        {
            latency.Add(tally.Latency);
            successes += tally.Successes;
            failures += tally.Failures;
            reads += tally.Reads;
            writes += tally.Writes;
            minimum = Math.Min(minimum, tally.Minimum);
            foreach ((string message, long count) in tally.Errors)
            {
                errors[message] = errors.GetValueOrDefault(message) + count;
            }
        }

        long total = successes + failures;
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        BenchmarkSettings settings = workload.Settings;
        return new BenchmarkReport(
            RaftApiClient.Display(client.BaseAddress),
            workload.RunId,
            settings.Operations,
            settings.EffectiveClients,
            settings.ValueSize,
            settings.ReadRatio,
            Math.Round(elapsed.TotalSeconds, 6),
            total,
            successes,
            failures,
            reads,
            writes,
            Math.Round(total / seconds, 1),
            Math.Round(successes / seconds, 1),
            LatencySummary.From(latency, latency.TotalCount == 0 ? 0 : minimum),
            errors
                .OrderByDescending(e => e.Value)
                .ThenBy(e => e.Key, StringComparer.Ordinal)
                .Take(MaxErrorKinds)
                .Select(e => new ErrorCount(e.Key, e.Value))
                .ToList());
    }

    private static string Describe(CommandReply reply) =>
        reply.StatusCode == HttpStatusCode.OK
            ? reply.ErrorMessage
            : string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)reply.StatusCode}: {reply.ErrorMessage}");

    /// <summary>One client's counts; owned by that client until it finishes, so no synchronisation is needed.</summary>
    private sealed class ClientTally(LongHistogram latency)
    {
        public LongHistogram Latency { get; } = latency;

        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

        public long Successes { get; set; }

        public long Failures { get; set; }

        public long Reads { get; set; }

        public long Writes { get; set; }

        public long Minimum { get; private set; } = long.MaxValue;

        public void Record(long micros)
        {
            Latency.RecordValue(micros);
            Minimum = Math.Min(Minimum, micros);
        }
    }
}
