using Raft.Core.Storage;
using Raft.Storage.IO;

namespace Raft.Storage.Snapshots;

/// <summary>The data of a snapshot file, opened afresh (and checksum-verified) by every reader.</summary>
internal sealed class FileSnapshotSource(IFileSystem fileSystem, string path, long dataOffset, long length, uint checksum, string dataDirectory) : ISnapshotSource
{
    public string Path { get; } = path;

    public long Length { get; } = length;

    public Stream OpenRead() => new SnapshotReadStream(fileSystem.OpenFile(Path, FileMode.Open), dataOffset, Length, checksum, dataDirectory);
}
