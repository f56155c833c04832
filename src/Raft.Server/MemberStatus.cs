using System.Text.Json.Serialization;

namespace Raft.Server;

/// <summary>Another member as /status shows it; replication fields are set only by the leader.</summary>
public sealed record MemberStatus(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("address")] string? Address,
    [property: JsonPropertyName("match_index")] ulong? MatchIndex,
    [property: JsonPropertyName("next_index")] ulong? NextIndex,
    [property: JsonPropertyName("progress")] string? Progress);
