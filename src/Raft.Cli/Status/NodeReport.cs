using System.Text.Json;
using System.Text.Json.Serialization;

namespace Raft.Cli.Status;

/// <summary>
/// One row of <c>status</c>: what a node said about itself (or why it said nothing), plus what the leader says
/// about it. <see cref="Status"/> is the node's <c>/status</c> body verbatim.
/// </summary>
internal sealed record NodeReport(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("reachable")] bool Reachable,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("term")] long? Term,
    [property: JsonPropertyName("leader_id")] string? LeaderId,
    [property: JsonPropertyName("commit_index")] long? CommitIndex,
    [property: JsonPropertyName("last_applied")] long? LastApplied,
    [property: JsonPropertyName("log_length")] long? LogLength,
    [property: JsonPropertyName("lag")] long? Lag,
    [property: JsonPropertyName("replication")] ReplicationInfo? Replication,
    [property: JsonPropertyName("status")] JsonElement? Status);
