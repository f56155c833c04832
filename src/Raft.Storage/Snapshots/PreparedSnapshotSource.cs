using Raft.Core.Storage;

namespace Raft.Storage.Snapshots;

/// <summary>
/// The source of a snapshot that <see cref="FileLogStore.PrepareSnapshot"/> already wrote and synced to its temporary file:
/// <see cref="FileLogStore.SaveSnapshot"/> of the same store recognises it and only publishes the file.
/// </summary>
internal sealed class PreparedSnapshotSource(FileLogStore store, PreparedSnapshot prepared, ISnapshotSource data) : ISnapshotSource
{
    public FileLogStore Store { get; } = store;

    public PreparedSnapshot Prepared { get; } = prepared;

    public long Length => data.Length;

    public Stream OpenRead() => data.OpenRead();
}
