using System.Text.Json.Serialization;

namespace Raft.Cli.Status;

/// <summary>The whole cluster as seen from <c>--address</c>: the output of <c>status --json</c>.</summary>
internal sealed record StatusReport(
    [property: JsonPropertyName("queried_address")] string QueriedAddress,
    [property: JsonPropertyName("leader_id")] string? LeaderId,
    [property: JsonPropertyName("term")] long? Term,
    [property: JsonPropertyName("nodes")] IReadOnlyList<NodeReport> Nodes);
