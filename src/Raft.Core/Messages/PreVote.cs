namespace Raft.Core.Messages;

/// <summary>
/// Would you vote for me in <see cref="Message.Term"/> (the sender's term + 1)? The receiver changes no state, so a node
/// that was partitioned away cannot disrupt a stable leader by bumping terms (thesis 9.6).
/// </summary>
public sealed record PreVote(ulong From, ulong To, ulong Term, ulong LastLogIndex, ulong LastLogTerm) : Message(From, To, Term);
