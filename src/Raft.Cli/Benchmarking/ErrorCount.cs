using System.Text.Json.Serialization;

namespace Raft.Cli.Benchmarking;

/// <summary>How often one error message was seen during a benchmark.</summary>
internal sealed record ErrorCount(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("count")] long Count);
