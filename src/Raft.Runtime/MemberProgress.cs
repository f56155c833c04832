using Raft.Core;

namespace Raft.Runtime;

/// <summary>The leader's replication view of one other member (null fields when this node is not the leader).</summary>
public sealed record MemberProgress(ulong Id, ulong? MatchIndex, ulong? NextIndex, ProgressState? State);
