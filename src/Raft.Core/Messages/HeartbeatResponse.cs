namespace Raft.Core.Messages;

public sealed record HeartbeatResponse(ulong From, ulong To, ulong Term, ulong ReadRound) : Message(From, To, Term);
