namespace Raft.Storage.Testing;

/// <summary>What a <see cref="FileSystemOperation"/> does.</summary>
public enum FileSystemOperationKind
{
    Read,
    Write,
    SetLength,
    Sync,
    CreateFile,
    CreateDirectory,
    Rename,
    Delete,
    SyncDirectory,
}
