using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using HdrHistogram;

namespace Raft.LoadGenerator;

/// <summary>
/// Closed-loop load: each of N clients sends one request, waits for the whole answer, and sends the next, over its own
/// keep-alive HTTP/1.1 connection (the pool holds exactly N). Every client sends to the first endpoint. Latency is taken per
/// request with <see cref="Stopwatch"/> timestamps (request built and handed to HttpClient, to the last byte of the body read)
/// into HdrHistogram in microseconds. A request counts when it completes inside the measured window (after the warm-up);
/// throughput is the successes completed in the window divided by its length.
/// </summary>
internal sealed class LoadRunner
{
    private const long HighestTrackableMicros = 60_000_000;
    private const int MaxErrorKinds = 20;

    private readonly LoadOptions options;
    private readonly Protocol protocol;
    private readonly HttpClient http;
    private readonly Uri writeUri;
    private readonly Uri readUri;
    private readonly byte[] value;
    private readonly Stripe[] stripes;
    private readonly Dictionary<string, long> errorKinds = new(StringComparer.Ordinal);
    private byte[][] readBodies = [];
    private long measureStart = long.MaxValue;
    private long measureEnd = long.MaxValue;
    private long measuredOperations;
    private long lastCompletion;
    private volatile bool stopping;

    public LoadRunner(LoadOptions options)
    {
        this.options = options;
        protocol = Protocol.For(options.Target);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        http = new HttpClient(handler)
        {
            Timeout = TimeSpan.FromMilliseconds(options.TimeoutMs),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        http.DefaultRequestHeaders.ExpectContinue = false;
        var endpoint = options.Endpoints[0];
        writeUri = new Uri(endpoint, protocol.WritePath);
        readUri = new Uri(endpoint, protocol.ReadPath);
        value = Protocol.Value(options.ValueSize);
        stripes = new Stripe[Math.Min(options.Clients, 16)];
        for (var i = 0; i < stripes.Length; i++)
        {
            stripes[i] = new Stripe();
        }
    }

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        if (options.Mode == LoadMode.Read)
        {
            await PopulateAsync(cancellationToken).ConfigureAwait(false);
        }

        var cpu = new CpuSampler(options.ServerPids);
        var started = Stopwatch.GetTimestamp();
        var warmup = (long)(options.WarmupSeconds * Stopwatch.Frequency);
        Volatile.Write(ref measureStart, started + warmup);
        if (options.Operations is null)
        {
            Volatile.Write(ref measureEnd, started + warmup + (long)(options.DurationSeconds * Stopwatch.Frequency));
        }

        var clients = new Task[options.Clients];
        for (var c = 0; c < clients.Length; c++)
        {
            var client = c;
            clients[c] = Task.Run(() => RunClientAsync(client, cancellationToken), cancellationToken);
        }

        // Sample CPU at the window's edges, from this thread, while the clients run.
        if (warmup > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken).ConfigureAwait(false);
        }

        var cpuStart = cpu.Take();
        if (options.Operations is null)
        {
            var remaining = Volatile.Read(ref measureEnd) - Stopwatch.GetTimestamp();
            if (remaining > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
            }

            stopping = true;
        }

        var cpuEndTimestamp = Stopwatch.GetTimestamp();
        var cpuEnd = options.Operations is null ? cpu.Take() : default;
        await Task.WhenAll(clients).ConfigureAwait(false);
        if (options.Operations is not null)
        {
            cpuEnd = cpu.Take();
            cpuEndTimestamp = Stopwatch.GetTimestamp();
        }

        var windowEnd = options.Operations is null ? Volatile.Read(ref measureEnd) : Interlocked.Read(ref lastCompletion);
        var window = Math.Max(1, windowEnd - Volatile.Read(ref measureStart)) / (double)Stopwatch.Frequency;
        var cpuWindow = Math.Max(1, cpuEndTimestamp - Volatile.Read(ref measureStart)) / (double)Stopwatch.Frequency;
        return Summarise(window, cpu.Difference(cpuStart, cpuEnd), cpuWindow);
    }

    private async Task PopulateAsync(CancellationToken cancellationToken)
    {
        readBodies = new byte[options.Keys][];
        for (var i = 0; i < options.Keys; i++)
        {
            readBodies[i] = protocol.Read(Protocol.ReadKey(i));
        }

        var next = -1;
        var writers = Enumerable.Range(0, Math.Min(options.Clients, 16)).Select(_ => Task.Run(async () =>
        {
            var body = new byte[1 << 16];
            int index;
            while ((index = Interlocked.Increment(ref next)) < options.Keys)
            {
                var request = protocol.Write(Protocol.ReadKey(index), value);
                for (var attempt = 1; ; attempt++)
                {
                    var (status, length, error) = await SendAsync(writeUri, request, body, cancellationToken).ConfigureAwait(false);
                    if (error is null && protocol.IsSuccess(status, body.AsSpan(0, length)))
                    {
                        break;
                    }

                    if (attempt == 5)
                    {
                        throw new InvalidOperationException($"pre-populating key {index} failed: {error ?? $"HTTP {status}: {System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(length, 300))}"}");
                    }

                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    private async Task RunClientAsync(int client, CancellationToken cancellationToken)
    {
        var stripe = stripes[client % stripes.Length];
        var response = new byte[1 << 16];
        var write = options.Mode == LoadMode.Write ? protocol.CreateWriteBody(client, value) : null;
        var random = new Random(client * 7919 + 17);
        var sequence = 0;
        var limit = options.Operations;
        while (!stopping && !cancellationToken.IsCancellationRequested)
        {
            byte[] body;
            Uri uri;
            if (write is not null)
            {
                write.SetSlot(sequence++ % options.Keys);
                body = write.Bytes;
                uri = writeUri;
            }
            else
            {
                body = readBodies[random.Next(readBodies.Length)];
                uri = readUri;
            }

            var sent = Stopwatch.GetTimestamp();
            var (status, length, error) = await SendAsync(uri, body, response, cancellationToken).ConfigureAwait(false);
            var done = Stopwatch.GetTimestamp();
            if (error is null && !protocol.IsSuccess(status, response.AsSpan(0, length)))
            {
                error = $"HTTP {status}: {Trim(response.AsSpan(0, length))}";
            }

            if (done < Volatile.Read(ref measureStart))
            {
                continue; // warm-up
            }

            if (limit is { } operations)
            {
                var number = Interlocked.Increment(ref measuredOperations);
                if (number > operations)
                {
                    stopping = true;
                    break;
                }

                if (number == operations)
                {
                    stopping = true;
                }

                InterlockedMax(ref lastCompletion, done);
            }
            else if (done >= Volatile.Read(ref measureEnd))
            {
                break;
            }

            if (error is null)
            {
                var micros = Math.Clamp((done - sent) * 1_000_000 / Stopwatch.Frequency, 1, HighestTrackableMicros);
                lock (stripe)
                {
                    stripe.Latency.RecordValue(micros);
                    stripe.Successes++;
                }
            }
            else
            {
                lock (errorKinds)
                {
                    if (errorKinds.Count < MaxErrorKinds || errorKinds.ContainsKey(error))
                    {
                        errorKinds[error] = errorKinds.GetValueOrDefault(error) + 1;
                    }
                    else
                    {
                        errorKinds["(other)"] = errorKinds.GetValueOrDefault("(other)") + 1;
                    }
                }

                Interlocked.Increment(ref stripe.Errors);
            }
        }
    }

    private async Task<(int Status, int Length, string? Error)> SendAsync(Uri uri, byte[] body, byte[] response, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var stream = await answer.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var length = 0;
                int read;
                while ((read = await stream.ReadAsync(response.AsMemory(Math.Min(length, response.Length - 1024)), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    // A body larger than the buffer keeps only its last part; bodies here are small.
                    length = Math.Min(length + read, response.Length);
                }

                return ((int)answer.StatusCode, length, null);
            }
        }
        catch (HttpRequestException e)
        {
            return (0, 0, $"{e.HttpRequestError}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, 0, $"timeout after {options.TimeoutMs} ms");
        }
        catch (IOException e)
        {
            return (0, 0, $"I/O: {e.Message}");
        }
    }

    private LoadResult Summarise(double windowSeconds, CpuSampler.Usage serverCpu, double cpuWindowSeconds)
    {
        var latency = new LongHistogram(HighestTrackableMicros, 3);
        long successes = 0, errors = 0;
        foreach (var stripe in stripes)
        {
            lock (stripe)
            {
                latency.Add(stripe.Latency);
                successes += stripe.Successes;
                errors += Interlocked.Read(ref stripe.Errors);
            }
        }

        double Ms(double percentile) => successes == 0 ? 0 : latency.GetValueAtPercentile(percentile) / 1000.0;
        return new LoadResult
        {
            Label = options.Label ?? options.Target.ToString().ToLowerInvariant(),
            Target = options.Target.ToString().ToLowerInvariant(),
            Mode = options.Mode.ToString().ToLowerInvariant(),
            Clients = options.Clients,
            ValueSize = options.ValueSize,
            Endpoint = options.Endpoints[0].ToString(),
            WindowSeconds = windowSeconds,
            Successes = successes,
            Errors = errors,
            Throughput = successes / windowSeconds,
            P50Ms = Ms(50),
            P90Ms = Ms(90),
            P99Ms = Ms(99),
            P999Ms = Ms(99.9),
            MaxMs = successes == 0 ? 0 : latency.GetMaxValue() / 1000.0,
            MeanMs = successes == 0 ? 0 : latency.GetMean() / 1000.0,
            ErrorKinds = new Dictionary<string, long>(errorKinds, StringComparer.Ordinal),
            ServerCpuSeconds = serverCpu.Seconds,
            ServerCpuPerNode = serverCpu.PerProcess,
            ServerCpuWindowSeconds = cpuWindowSeconds,
            GeneratorCpuSeconds = serverCpu.Self,
        };
    }

    private static string Trim(ReadOnlySpan<byte> body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, 160)]);
        return text.ReplaceLineEndings(" ");
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private sealed class Stripe
    {
        public readonly LongHistogram Latency = new(HighestTrackableMicros, 3);
        public long Successes;
        public long Errors;
    }
}
