namespace Raft.Storage.Testing;

/// <summary>
/// One operation on a <see cref="FaultInjectingFileSystem"/>, shown to its fault hook before it takes effect.
/// <see cref="Sequence"/> numbers the operations that change state (everything but reads) from 1, so a test can name
/// "the 17th write or sync" as the point where the machine loses power.
/// </summary>
public readonly record struct FileSystemOperation(long Sequence, FileSystemOperationKind Kind, string Path, long Offset, long Length)
{
    /// <summary>Whether the operation changes state (a crash point), as opposed to a read.</summary>
    public bool IsMutation => Kind != FileSystemOperationKind.Read;
}
