namespace Raft.Storage.Snapshots;

/// <summary>
/// Reading the snapshot handed to the store failed or gave the wrong number of bytes: a problem of the source (a transfer
/// from the leader, say), not of this node's disk, so it does not make the store fail-stop.
/// </summary>
internal sealed class SnapshotSourceException(Exception problem) : Exception(problem.Message, problem);
