using System.Text.Json.Serialization;

namespace Raft.Cli.Api;

/// <summary>
/// One entry of <c>"members"</c> in <c>/status</c>: another node of the cluster with its HTTP address; the
/// replication fields are set only when the answering node is the leader.
/// </summary>
internal sealed record MemberInfo(
    [property: JsonPropertyName("node_id")] string? NodeId,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("match_index")] long? MatchIndex,
    [property: JsonPropertyName("next_index")] long? NextIndex,
    [property: JsonPropertyName("progress")] string? Progress);
