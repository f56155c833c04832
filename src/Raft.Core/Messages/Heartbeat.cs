namespace Raft.Core.Messages;

/// <summary>
/// Keeps followers from campaigning and carries a safe commit index (never beyond what the follower is known to hold).
/// <see cref="ReadRound"/> numbers the broadcast so that acknowledgements confirm leadership for ReadIndex reads.
/// </summary>
public sealed record Heartbeat(ulong From, ulong To, ulong Term, ulong Commit, ulong ReadRound) : Message(From, To, Term);
