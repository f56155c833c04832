namespace Raft.Storage;

/// <summary>
/// A write, fsync, rename or delete failed (EIO, ENOSPC, ...), so what is on disk is no longer known. The store is
/// fail-stop: it rejects every later write with this exception, and the node must stop acting as a voter (it can no
/// longer promise to remember its vote or its log) until it is restarted and recovery has run.
/// </summary>
public sealed class StorageFailedException : IOException
{
    public StorageFailedException(string message, Exception failure)
        : base(message, failure)
    {
    }
}
