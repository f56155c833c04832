using System.Globalization;

namespace Raft.Cli.Benchmarking;

/// <summary>
/// The operations of one benchmark run. Operation <c>i</c> (0-based, handed out in order to whichever client is
/// free) is a read when <c>floor((i+1)·r) &gt; floor(i·r)</c>, so exactly <c>floor(N·r)</c> of <c>N</c> operations
/// are reads, spread evenly. A write stores a unique key <c>bench-{run}-{client}-{i}</c> with a value of exactly
/// <c>--value-size</c> characters that starts with <c>i</c>. A read asks for a key this run has written: one of
/// the seed keys (<c>bench-{run}-seed-{j}</c>, written before timing starts) or one the same client has already
/// written successfully.
/// </summary>
internal sealed class BenchmarkWorkload
{
    public BenchmarkWorkload(BenchmarkSettings settings, string runId)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        RunId = runId;
        SeedKeys = settings.ReadRatio > 0
            ? Enumerable.Range(0, BenchmarkSettings.SeedKeyCount).Select(j => $"bench-{runId}-seed-{j}").ToArray()
            : [];
    }

    public BenchmarkSettings Settings { get; }

    public string RunId { get; }

    public IReadOnlyList<string> SeedKeys { get; }

    public static string NewRunId() => Guid.NewGuid().ToString("N")[..8];

    public bool IsRead(long operation)
    {
        double ratio = Settings.ReadRatio;
        return Math.Floor((operation + 1) * ratio) > Math.Floor(operation * ratio);
    }

    public string WriteKey(int client, long operation) =>
        string.Create(CultureInfo.InvariantCulture, $"bench-{RunId}-{client}-{operation}");

    /// <summary>A value of exactly <c>--value-size</c> characters: the operation number, '-', then filler.</summary>
    public string Value(long operation) =>
        string.Create(Settings.ValueSize, operation, static (span, op) =>
        {
            span.Fill('x');
            string prefix = op.ToString(CultureInfo.InvariantCulture) + "-";
            prefix.AsSpan(0, Math.Min(prefix.Length, span.Length)).CopyTo(span);
        });
}
