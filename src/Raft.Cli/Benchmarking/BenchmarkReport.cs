using System.Text.Json.Serialization;

namespace Raft.Cli.Benchmarking;

/// <summary>The outcome of <c>benchmark</c>; with <c>--json</c> it is printed as is (field names below).</summary>
internal sealed record BenchmarkReport(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("operations")] int Operations,
    [property: JsonPropertyName("clients")] int Clients,
    [property: JsonPropertyName("value_size")] int ValueSize,
    [property: JsonPropertyName("read_ratio")] double ReadRatio,
    [property: JsonPropertyName("duration_seconds")] double DurationSeconds,
    [property: JsonPropertyName("total")] long Total,
    [property: JsonPropertyName("successes")] long Successes,
    [property: JsonPropertyName("failures")] long Failures,
    [property: JsonPropertyName("reads")] long Reads,
    [property: JsonPropertyName("writes")] long Writes,
    [property: JsonPropertyName("throughput_ops_per_sec")] double ThroughputOpsPerSec,
    [property: JsonPropertyName("success_ops_per_sec")] double SuccessOpsPerSec,
    [property: JsonPropertyName("latency_us")] LatencySummary LatencyUs,
    [property: JsonPropertyName("errors")] IReadOnlyList<ErrorCount> Errors);
