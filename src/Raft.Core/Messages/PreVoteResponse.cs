namespace Raft.Core.Messages;

/// <summary>Answer to a <see cref="PreVote"/>; a grant carries the term of the request, a rejection the responder's own term.</summary>
public sealed record PreVoteResponse(ulong From, ulong To, ulong Term, bool Granted) : Message(From, To, Term);
