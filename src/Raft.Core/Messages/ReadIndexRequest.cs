namespace Raft.Core.Messages;

/// <summary>A follower asks the leader for a read index on behalf of its client; <see cref="Context"/> is the follower's request id.</summary>
public sealed record ReadIndexRequest(ulong From, ulong To, ulong Term, ulong Context) : Message(From, To, Term);
