using System.Text.Json.Serialization;

namespace Raft.Cluster.Tests;

/// <summary>The fields of a node's GET /status the tests look at.</summary>
internal sealed record NodeStatus(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("state")] int State,
    [property: JsonPropertyName("current_term")] ulong CurrentTerm,
    [property: JsonPropertyName("leader_id")] string? LeaderId,
    [property: JsonPropertyName("commit_index")] ulong CommitIndex,
    [property: JsonPropertyName("last_applied")] ulong LastApplied,
    [property: JsonPropertyName("log_length")] ulong LogLength,
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("first_index")] ulong FirstIndex,
    [property: JsonPropertyName("snapshot_index")] ulong SnapshotIndex)
{
    /// <summary>The seed's numbering: 0 follower, 1 candidate, 2 leader.</summary>
    public const int LeaderState = 2;

    public bool IsLeader => State == LeaderState;

    public override string ToString() =>
        $"{NodeId}: state {State} ({Role}), term {CurrentTerm}, leader {LeaderId ?? "-"}, commit {CommitIndex}, applied {LastApplied}, log {FirstIndex}..{LogLength}, snapshot {SnapshotIndex}";
}
