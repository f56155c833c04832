namespace Raft.Core.Messages;

/// <summary>
/// On success <see cref="Index"/> is the last index known to match the leader's log.
/// On rejection <see cref="Index"/> is the rejected PrevLogIndex, and the hint lets the leader skip a whole term per round trip:
/// <see cref="ConflictTerm"/> is the follower's term at that index (0 when its log is shorter) and <see cref="ConflictIndex"/>
/// the first index the follower holds of that term (or its last index + 1 when the log is shorter).
/// </summary>
public sealed record AppendEntriesResponse(ulong From, ulong To, ulong Term, bool Success, ulong Index, ulong ConflictTerm = 0, ulong ConflictIndex = 0)
    : Message(From, To, Term);
