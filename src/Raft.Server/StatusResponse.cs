using System.Text.Json.Serialization;
using Raft.Core;

namespace Raft.Server;

/// <summary>The seed's /status shape, plus the role by name and the other members with the leader's replication view.</summary>
public sealed record StatusResponse(
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("state")] int State,
    [property: JsonPropertyName("current_term")] ulong CurrentTerm,
    [property: JsonPropertyName("leader_id")] string? LeaderId,
    [property: JsonPropertyName("commit_index")] ulong CommitIndex,
    [property: JsonPropertyName("last_applied")] ulong LastApplied,
    [property: JsonPropertyName("log_length")] ulong LogLength,
    [property: JsonPropertyName("peers")] IReadOnlyList<string> Peers,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("first_index")] ulong FirstIndex,
    [property: JsonPropertyName("snapshot_index")] ulong SnapshotIndex,
    [property: JsonPropertyName("members")] IReadOnlyList<MemberStatus> Members)
{
    public static StatusResponse From(RaftNodeService node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var status = node.Host.Status;
        var members = node.Members;
        return new StatusResponse(
            members.Self.Name,
            status.Role == RaftRole.PreCandidate ? (int)RaftRole.Candidate : (int)status.Role,
            status.Term,
            members.NameOf(status.LeaderId),
            status.CommitIndex,
            status.AppliedIndex,
            status.LastIndex,
            members.Peers.Select(p => p.Name).ToList(),
            status.Role.ToString(),
            status.FirstIndex,
            status.SnapshotIndex,
            status.Members.Select(m => new MemberStatus(
                members.NameOf(m.Id) ?? "?",
                members.AddressOf(m.Id)?.HttpUri.ToString().TrimEnd('/'),
                m.MatchIndex,
                m.NextIndex,
                m.State?.ToString())).ToList());
    }
}
