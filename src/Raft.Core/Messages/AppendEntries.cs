namespace Raft.Core.Messages;

/// <summary>
/// Replicates <see cref="Entries"/> (possibly none) that follow the entry at <see cref="PrevLogIndex"/>/<see cref="PrevLogTerm"/>,
/// and tells the follower the leader's commit index.
/// </summary>
public sealed record AppendEntries(ulong From, ulong To, ulong Term, ulong PrevLogIndex, ulong PrevLogTerm, LogEntry[] Entries, ulong LeaderCommit)
    : Message(From, To, Term);
