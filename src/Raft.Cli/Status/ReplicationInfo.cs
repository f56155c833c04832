using System.Text.Json.Serialization;

namespace Raft.Cli.Status;

/// <summary>What the leader reports about its replication to one follower (from the leader's <c>"members"</c>).</summary>
internal sealed record ReplicationInfo(
    [property: JsonPropertyName("match_index")] long? MatchIndex,
    [property: JsonPropertyName("next_index")] long? NextIndex,
    [property: JsonPropertyName("progress")] string? Progress);
