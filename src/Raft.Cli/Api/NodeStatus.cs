using System.Text.Json.Serialization;

namespace Raft.Cli.Api;

/// <summary>
/// The body of <c>GET /status</c>. Every field is optional so that a node running an older or newer server still
/// shows up with what it does report.
/// </summary>
internal sealed record NodeStatus(
    [property: JsonPropertyName("node_id")] string? NodeId,
    [property: JsonPropertyName("state")] int? State,
    [property: JsonPropertyName("current_term")] long? CurrentTerm,
    [property: JsonPropertyName("leader_id")] string? LeaderId,
    [property: JsonPropertyName("commit_index")] long? CommitIndex,
    [property: JsonPropertyName("last_applied")] long? LastApplied,
    [property: JsonPropertyName("log_length")] long? LogLength,
    [property: JsonPropertyName("peers")] IReadOnlyList<string>? Peers,
    [property: JsonPropertyName("role")] string? Role,
    [property: JsonPropertyName("members")] IReadOnlyList<MemberInfo>? Members)
{
    /// <summary>The role's name: <c>"role"</c> if present, else derived from <c>"state"</c> (0 Follower, 1 Candidate, 2 Leader).</summary>
    public string RoleName => !string.IsNullOrWhiteSpace(Role) ? Role : State switch
    {
        0 => "Follower",
        1 => "Candidate",
        2 => "Leader",
        null => "unknown",
        _ => $"state {State}",
    };

    public bool IsLeader => State == 2 || string.Equals(Role, "Leader", StringComparison.OrdinalIgnoreCase);
}
