using Raft.Core.Storage;

namespace Raft.Transport;

/// <summary>
/// Snapshot data in a file: what <see cref="PeerTransport"/> hands over for a received InstallSnapshot, so that a snapshot
/// larger than memory can be installed by streaming (or by moving the file into the snapshot store).
/// The file belongs to the consumer from the moment the message is delivered: delete it (<see cref="Delete"/>) or move it
/// once the snapshot is installed or rejected. The transport only deletes files that an earlier run of its node left in a
/// configured <see cref="PeerTransportOptions.SnapshotTempDirectory"/>.
/// </summary>
public sealed class FileSnapshotSource : ISnapshotSource
{
    public FileSnapshotSource(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        // Captured once: the file is complete and no longer written when a source is made for it.
        Length = new FileInfo(Path).Length;
    }

    public string Path { get; }

    public long Length { get; }

    public Stream OpenRead() =>
        // FileShare.Delete lets the consumer delete or rename the file while a reader still streams it (Unix semantics).
        new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1 << 16, FileOptions.SequentialScan);

    public void Delete() => File.Delete(Path);
}
