namespace Raft.Core.Messages;

/// <summary>The leader's confirmed read index for a follower's <see cref="ReadIndexRequest"/>.</summary>
public sealed record ReadIndexResponse(ulong From, ulong To, ulong Term, ulong Context, ulong Index) : Message(From, To, Term);
