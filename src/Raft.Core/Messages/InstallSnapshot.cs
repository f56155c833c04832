namespace Raft.Core.Messages;

/// <summary>Sent to a follower whose next entry the leader has compacted away. Answered with an <see cref="AppendEntriesResponse"/>.</summary>
public sealed record InstallSnapshot(ulong From, ulong To, ulong Term, Snapshot Snapshot) : Message(From, To, Term);
