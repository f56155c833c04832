using Raft.Core;

namespace Raft.Runtime;

/// <summary>A consistent picture of the node, taken by its loop.</summary>
public sealed record RaftStatus(
    ulong Id,
    RaftRole Role,
    ulong Term,
    ulong LeaderId,
    ulong CommitIndex,
    ulong AppliedIndex,
    ulong FirstIndex,
    ulong LastIndex,
    ulong SnapshotIndex,
    IReadOnlyList<MemberProgress> Members)
{
    public static RaftStatus Initial(ulong id) => new(id, RaftRole.Follower, 0, 0, 0, 0, 1, 0, 0, []);
}
