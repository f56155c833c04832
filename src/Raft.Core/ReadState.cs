namespace Raft.Core;

/// <summary>
/// A linearizable read that may be served once the local applied index reaches <see cref="Index"/>.
/// <see cref="Context"/> is the caller's identifier from <see cref="RaftNode.ReadIndex"/>.
/// </summary>
public readonly record struct ReadState(ulong Context, ulong Index);
