namespace Raft.Core.Messages;

public sealed record RequestVoteResponse(ulong From, ulong To, ulong Term, bool Granted) : Message(From, To, Term);
