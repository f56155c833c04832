namespace Raft.Core.Messages;

/// <summary>A candidate asks for a vote in <see cref="Message.Term"/>, describing the end of its log for the up-to-date check.</summary>
public sealed record RequestVote(ulong From, ulong To, ulong Term, ulong LastLogIndex, ulong LastLogTerm) : Message(From, To, Term);
