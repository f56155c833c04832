using System.Buffers;
using Raft.Core;
using Raft.Core.Storage;
using Raft.Storage.IO;

namespace Raft.Storage.Snapshots;

/// <summary>
/// The snapshots of a node, one file each in a directory. A snapshot is streamed into a temporary file, checksummed and
/// synced (<see cref="Prepare"/>), and only then renamed into place with a directory sync (<see cref="Publish"/>), so a
/// crash leaves either the old latest snapshot or the new one, never a partial file under a snapshot's name. The newest
/// <c>keep</c> files are kept and older ones deleted.
/// </summary>
internal sealed class SnapshotStore
{
    private const int ChunkSize = 1 << 20;
    private const string TemporaryExtension = ".tmp";

    private readonly IFileSystem fileSystem;
    private readonly string directory;
    private readonly string dataDirectory;
    private readonly int keep;
    private readonly bool sync;

    private SnapshotStore(IFileSystem fileSystem, string directory, string dataDirectory, int keep, bool sync)
    {
        this.fileSystem = fileSystem;
        this.directory = directory;
        this.dataDirectory = dataDirectory;
        this.keep = keep;
        this.sync = sync;
    }

    /// <summary>The latest durable snapshot, or <see cref="Snapshot.Empty"/>.</summary>
    public Snapshot Current { get; private set; } = Snapshot.Empty;

    /// <summary>Finds the latest snapshot and checks it; temporary files of unfinished snapshots are removed.</summary>
    public static SnapshotStore Open(IFileSystem fileSystem, string directory, string dataDirectory, FileLogStoreOptions options, RecoveryReport report)
    {
        var store = new SnapshotStore(fileSystem, directory, dataDirectory, options.SnapshotsToKeep, !options.UnsafeNoFsync);
        foreach (var name in fileSystem.GetFileNames(directory).Where(name => name.EndsWith(TemporaryExtension, StringComparison.Ordinal)))
        {
            fileSystem.DeleteFile(Path.Combine(directory, name));
            report.TemporaryFilesRemoved++;
        }

        var latest = store.Files().FirstOrDefault();
        if (latest.Name is not null)
        {
            store.Current = store.Load(latest.Name, latest.Index, latest.Term, options.VerifySnapshotOnOpen);
        }

        return store;
    }

    /// <summary>
    /// Writes the snapshot to a temporary file and syncs it; nothing is visible until <see cref="Publish"/>. A local snapshot
    /// (taken by this node's state machine, possibly prepared on another thread) and one received from the leader use
    /// different temporary files, so that the two can never write the same file at once.
    /// </summary>
    /// <exception cref="SnapshotSourceException">Reading <paramref name="snapshot"/>'s source failed or gave the wrong length.</exception>
    public PreparedSnapshot Prepare(Snapshot snapshot, bool local)
    {
        var path = Path.Combine(directory, SnapshotFile.FileName(snapshot.Metadata));
        var temporary = TemporaryPath(snapshot.Metadata, local);
        if (fileSystem.FileExists(temporary))
        {
            fileSystem.DeleteFile(temporary);
        }

        var length = snapshot.Source.Length;
        var header = SnapshotFile.EncodeHeader(snapshot.Metadata, length);
        var checksum = Crc32C.Create();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var file = fileSystem.OpenFile(temporary, FileMode.CreateNew);
            using var source = Source(snapshot.Source.OpenRead);
            file.Write(0, header);
            long copied = 0;
            while (true)
            {
                var read = Source(() => source.Read(buffer, 0, ChunkSize));
                if (read == 0)
                {
                    break;
                }

                copied += read;
                if (copied > length)
                {
                    throw new SnapshotSourceException(new InvalidDataException($"The snapshot source gave more than the {length} bytes it announced."));
                }

                checksum.Append(buffer.AsSpan(0, read));
                file.Write(header.Length + copied - read, buffer.AsSpan(0, read));
            }

            if (copied != length)
            {
                throw new SnapshotSourceException(new InvalidDataException($"The snapshot source gave {copied} bytes but announced {length}."));
            }

            var crc = checksum.GetCurrentHashAsUInt32();
            Span<byte> trailer = stackalloc byte[SnapshotFile.TrailerSize];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            file.Write(header.Length + length, trailer);
            if (sync)
            {
                file.Sync();
            }

            return new PreparedSnapshot(temporary, path, snapshot.Metadata, header.Length, length, crc);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The data of a prepared snapshot, read from its temporary file (valid until it is published or discarded).</summary>
    public ISnapshotSource ReadPrepared(PreparedSnapshot prepared) =>
        new FileSnapshotSource(fileSystem, prepared.TemporaryPath, prepared.DataOffset, prepared.DataLength, prepared.DataChecksum, dataDirectory);

    /// <summary>Renames a prepared snapshot into place, durably; it becomes <see cref="Current"/> and older ones beyond the retention are deleted.</summary>
    public void Publish(PreparedSnapshot prepared)
    {
        fileSystem.Rename(prepared.TemporaryPath, prepared.Path);
        SyncDirectory();
        Current = new Snapshot(prepared.Metadata, new FileSnapshotSource(fileSystem, prepared.Path, prepared.DataOffset, prepared.DataLength, prepared.DataChecksum, dataDirectory));
        var removed = false;
        foreach (var (name, index, _) in Files().Skip(keep))
        {
            if (index < Current.Metadata.Index)
            {
                fileSystem.DeleteFile(Path.Combine(directory, name));
                removed = true;
            }
        }

        if (removed)
        {
            SyncDirectory();
        }
    }

    /// <summary>Removes the temporary file of a snapshot that will not be published.</summary>
    public void Discard(PreparedSnapshot? prepared, SnapshotMetadata metadata, bool local)
    {
        var temporary = prepared?.TemporaryPath ?? TemporaryPath(metadata, local);
        if (fileSystem.FileExists(temporary))
        {
            fileSystem.DeleteFile(temporary);
        }
    }

    // Runs a call on the snapshot source, marking its failures as the source's rather than this disk's.
    private static T Source<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e)
        {
            throw new SnapshotSourceException(e);
        }
    }

    private string TemporaryPath(SnapshotMetadata metadata, bool local) =>
        Path.Combine(directory, SnapshotFile.FileName(metadata)) + (local ? ".local" : string.Empty) + TemporaryExtension;

    private void SyncDirectory()
    {
        if (sync)
        {
            fileSystem.SyncDirectory(directory);
        }
    }

    // Snapshot files, newest (highest index) first.
    private IEnumerable<(string Name, ulong Index, ulong Term)> Files()
    {
        var files = new List<(string Name, ulong Index, ulong Term)>();
        foreach (var name in fileSystem.GetFileNames(directory))
        {
            if (SnapshotFile.TryParseName(name, out var index, out var term))
            {
                files.Add((name, index, term));
            }
        }

        files.Sort((a, b) => b.Index.CompareTo(a.Index));
        return files;
    }

    private Snapshot Load(string name, ulong index, ulong term, bool verify)
    {
        var path = Path.Combine(directory, name);
        long dataOffset, dataLength;
        uint checksum;
        SnapshotMetadata metadata;
        using (var file = fileSystem.OpenFile(path, FileMode.Open))
        {
            var problem = SnapshotFile.TryReadHeader(file, out metadata, out dataOffset, out dataLength);
            if (problem is null && (metadata.Index != index || metadata.Term != term))
            {
                problem = $"the header describes index {metadata.Index} term {metadata.Term}, not what the file name says";
            }

            if (problem is not null)
            {
                throw new StorageCorruptionException(path, 0, problem, dataDirectory);
            }

            checksum = SnapshotFile.ReadDataChecksum(file, dataOffset, dataLength);
        }

        var source = new FileSnapshotSource(fileSystem, path, dataOffset, dataLength, checksum, dataDirectory);
        if (verify)
        {
            // Read it all once now, in chunks, so that a damaged snapshot stops the node at start rather than when a
            // follower or the state machine needs it.
            using var stream = source.OpenRead();
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            try
            {
                while (stream.Read(buffer, 0, ChunkSize) > 0)
                {
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return new Snapshot(metadata, source);
    }
}
