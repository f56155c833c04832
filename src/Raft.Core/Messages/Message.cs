namespace Raft.Core.Messages;

/// <summary>A message between two Raft nodes. <see cref="Term"/> is the sender's current term (for PreVote: the term it would campaign in).</summary>
public abstract record Message(ulong From, ulong To, ulong Term);
