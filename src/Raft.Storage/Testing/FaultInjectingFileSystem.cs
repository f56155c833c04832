using Raft.Storage.IO;

namespace Raft.Storage.Testing;

/// <summary>
/// An in-memory file system for crash and fault testing. It keeps, for every file, what has been written and which part
/// of that is durable (synced), and for every directory which entries are durable (directory synced), following the
/// POSIX rules stated on <see cref="IFileSystem"/>. <see cref="Crash()"/> is a power loss: everything not durable is lost
/// (or, with <see cref="Crash(Random)"/>, an arbitrary prefix of it survives), open files become unusable and locks are
/// released, so the next store opened on it runs the real recovery code. <see cref="Fault"/> makes chosen operations fail
/// (EIO, ENOSPC, or a crash point) and <see cref="CapacityBytes"/> models a full disk.
/// Thread-safe: one lock guards everything, so background work and snapshot readers may use it too.
/// </summary>
public sealed class FaultInjectingFileSystem : IFileSystem
{
    private const int ErrnoIo = 5;
    private const int ErrnoNoSpace = 28;

    private readonly Lock sync = new();
    private readonly DirectoryNode root = new();
    private readonly HashSet<DirectoryNode> locked = [];
    private long epoch;
    private long operationCount;

    /// <summary>
    /// Consulted before every operation, reads included; a returned exception is thrown instead of performing the
    /// operation, which then has no effect at all.
    /// </summary>
    public Func<FileSystemOperation, Exception?>? Fault { get; set; }

    /// <summary>When set, a write or extension that would take the total size of all files above it fails with ENOSPC.</summary>
    public long? CapacityBytes { get; set; }

    /// <summary>Operations that changed (or were to change) state so far: the crash points of a workload.</summary>
    public long OperationCount
    {
        get
        {
            lock (sync)
            {
                return operationCount;
            }
        }
    }

    /// <summary>Total current size of all files.</summary>
    public long UsedBytes
    {
        get
        {
            lock (sync)
            {
                return root.Files().Sum(file => file.Length);
            }
        }
    }

    /// <summary>An I/O error (EIO), as a failing disk reports it.</summary>
    public static IOException InputOutputError(string path) => new($"Input/output error (EIO, injected): {path}", ErrnoIo);

    /// <summary>A full disk (ENOSPC).</summary>
    public static IOException NoSpace(string path) => new($"No space left on device (ENOSPC, injected): {path}", ErrnoNoSpace);

    /// <summary>Power loss: only durable state survives.</summary>
    public void Crash() => Crash(null);

    /// <summary>
    /// Power loss that also keeps, per file and per directory, a prefix (chosen by <paramref name="keepUnsyncedPrefix"/>)
    /// of the changes made since the last sync, as a disk that wrote some of its queue before power went would.
    /// With <c>null</c>, only durable state survives.
    /// </summary>
    public void Crash(Random? keepUnsyncedPrefix)
    {
        lock (sync)
        {
            CrashDirectory(root, keepUnsyncedPrefix);
            locked.Clear();
            epoch++;
        }
    }

    public bool DirectoryExists(string path)
    {
        lock (sync)
        {
            return Find(path) is DirectoryNode;
        }
    }

    public bool FileExists(string path)
    {
        lock (sync)
        {
            return Find(path) is FileNode;
        }
    }

    public void CreateDirectory(string path)
    {
        lock (sync)
        {
            var (parent, name) = Parent(path);
            if (parent.Entries.TryGetValue(name, out var existing))
            {
                if (existing is DirectoryNode)
                {
                    return;
                }

                throw new IOException($"A file exists at {path}.");
            }

            Check(FileSystemOperationKind.CreateDirectory, path, 0, 0);
            parent.Change(new DirectoryChange(null, name, new DirectoryNode()));
        }
    }

    public IReadOnlyList<string> GetFileNames(string directory)
    {
        lock (sync)
        {
            if (Find(directory) is not DirectoryNode node)
            {
                throw new DirectoryNotFoundException($"No directory {directory}.");
            }

            var names = node.Entries.Where(entry => entry.Value is FileNode).Select(entry => entry.Key).ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }

    public IFile OpenFile(string path, FileMode mode)
    {
        lock (sync)
        {
            var (parent, name) = Parent(path);
            parent.Entries.TryGetValue(name, out var existing);
            switch (mode)
            {
                case FileMode.Open when existing is FileNode file:
                    return new FaultInjectingFile(this, file, path, epoch);
                case FileMode.Open:
                    throw new FileNotFoundException($"No file {path}.", path);
                case FileMode.CreateNew when existing is not null:
                    throw new IOException($"{path} exists already.");
                case FileMode.CreateNew:
                    Check(FileSystemOperationKind.CreateFile, path, 0, 0);
                    var created = new FileNode();
                    parent.Change(new DirectoryChange(null, name, created));
                    return new FaultInjectingFile(this, created, path, epoch);
                default:
                    throw new ArgumentOutOfRangeException(nameof(mode), mode, "Only CreateNew and Open are supported.");
            }
        }
    }

    public void Rename(string sourcePath, string destinationPath)
    {
        lock (sync)
        {
            var (sourceParent, sourceName) = Parent(sourcePath);
            var (destinationParent, destinationName) = Parent(destinationPath);
            if (!sourceParent.Entries.TryGetValue(sourceName, out var node) || node is not FileNode)
            {
                throw new FileNotFoundException($"No file {sourcePath}.", sourcePath);
            }

            if (!ReferenceEquals(sourceParent, destinationParent))
            {
                throw new NotSupportedException("Renames across directories are not modelled.");
            }

            Check(FileSystemOperationKind.Rename, sourcePath, 0, 0);
            sourceParent.Change(new DirectoryChange(sourceName, destinationName, node));
        }
    }

    public void DeleteFile(string path)
    {
        lock (sync)
        {
            var (parent, name) = Parent(path);
            if (!parent.Entries.TryGetValue(name, out var node) || node is not FileNode)
            {
                return;
            }

            Check(FileSystemOperationKind.Delete, path, 0, 0);
            parent.Change(new DirectoryChange(name, null, null));
        }
    }

    public void SyncDirectory(string path)
    {
        lock (sync)
        {
            if (Find(path) is not DirectoryNode node)
            {
                throw new DirectoryNotFoundException($"No directory {path}.");
            }

            Check(FileSystemOperationKind.SyncDirectory, path, 0, 0);
            node.Sync();
        }
    }

    public IDisposable LockDirectory(string path)
    {
        lock (sync)
        {
            if (Find(path) is not DirectoryNode node)
            {
                throw new DirectoryNotFoundException($"No directory {path}.");
            }

            if (!locked.Add(node))
            {
                throw new IOException($"The data directory {path} is in use by another process or store.");
            }

            return new DirectoryLock(this, node, epoch);
        }
    }

    private static string[] Split(string path)
    {
        if (!Path.IsPathRooted(path))
        {
            throw new ArgumentException($"Paths must be absolute: {path}.", nameof(path));
        }

        return path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
    }

    private static void CrashDirectory(DirectoryNode directory, Random? random)
    {
        directory.Crash(random);

        // In name order, so that a seeded crash keeps the same bytes on every run.
        foreach (var (_, node) in directory.Entries.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            switch (node)
            {
                case DirectoryNode child:
                    CrashDirectory(child, random);
                    break;
                case FileNode file:
                    file.Crash(random);
                    break;
            }
        }
    }

    private Node? Find(string path)
    {
        Node node = root;
        foreach (var part in Split(path))
        {
            if (node is not DirectoryNode directory || !directory.Entries.TryGetValue(part, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private (DirectoryNode Parent, string Name) Parent(string path)
    {
        var parts = Split(path);
        if (parts.Length == 0)
        {
            throw new ArgumentException("The root has no parent.", nameof(path));
        }

        var parent = root;
        foreach (var part in parts.AsSpan(0, parts.Length - 1))
        {
            if (!parent.Entries.TryGetValue(part, out var child) || child is not DirectoryNode directory)
            {
                throw new DirectoryNotFoundException($"No directory for {path}.");
            }

            parent = directory;
        }

        return (parent, parts[^1]);
    }

    // Runs the fault hook for one operation; must be called under the lock and before the operation changes anything.
    private void Check(FileSystemOperationKind kind, string path, long offset, long length)
    {
        var sequence = kind == FileSystemOperationKind.Read ? operationCount : ++operationCount;
        if (Fault?.Invoke(new FileSystemOperation(sequence, kind, path, offset, length)) is { } fault)
        {
            throw fault;
        }
    }

    private void CheckCapacity(string path, long growth)
    {
        if (growth > 0 && CapacityBytes is { } capacity && root.Files().Sum(file => file.Length) + growth > capacity)
        {
            throw NoSpace(path);
        }
    }

    private abstract class Node;

    // One change to a directory's entries: remove a name, add a name, or both at once (a rename, atomic as in a journal).
    private readonly record struct DirectoryChange(string? Remove, string? Add, Node? Node);

    private sealed class DirectoryNode : Node
    {
        private readonly List<DirectoryChange> pending = [];
        private Dictionary<string, Node> durable = new(StringComparer.Ordinal);

        public Dictionary<string, Node> Entries { get; private set; } = new(StringComparer.Ordinal);

        public void Change(DirectoryChange change)
        {
            Apply(Entries, change);
            pending.Add(change);
        }

        public void Sync()
        {
            durable = new Dictionary<string, Node>(Entries, StringComparer.Ordinal);
            pending.Clear();
        }

        public void Crash(Random? random)
        {
            var keep = random?.Next(pending.Count + 1) ?? 0;
            foreach (var change in pending.Take(keep))
            {
                Apply(durable, change);
            }

            Entries = durable;
            Sync();
        }

        public IEnumerable<FileNode> Files() =>
            Entries.Values.SelectMany(node => node switch
            {
                FileNode file => [file],
                DirectoryNode directory => directory.Files(),
                _ => [],
            });

        private static void Apply(Dictionary<string, Node> entries, DirectoryChange change)
        {
            if (change.Remove is { } removed)
            {
                entries.Remove(removed);
            }

            if (change.Add is { } added)
            {
                entries[added] = change.Node!;
            }
        }
    }

    // A change to a file's contents since its last sync, with what it overwrote, so that a crash can undo it.
    private sealed record FileChange(long Offset, int Count, byte[] Before, long LengthBefore);

    private sealed class FileNode : Node
    {
        private readonly List<FileChange> pending = [];
        private byte[] data = [];

        public long Length { get; private set; }

        public int Read(long offset, Span<byte> buffer)
        {
            if (offset >= Length)
            {
                return 0;
            }

            var count = (int)Math.Min(buffer.Length, Length - offset);
            data.AsSpan((int)offset, count).CopyTo(buffer);
            return count;
        }

        public void Write(long offset, ReadOnlySpan<byte> bytes)
        {
            var end = offset + bytes.Length;
            var overlap = (int)Math.Clamp(Length - offset, 0, bytes.Length);
            pending.Add(new FileChange(offset, bytes.Length, data.AsSpan((int)Math.Min(offset, Length), overlap).ToArray(), Length));
            Resize(Math.Max(Length, end));
            bytes.CopyTo(data.AsSpan((int)offset));
        }

        public void SetLength(long length)
        {
            var before = length < Length ? data.AsSpan((int)length, (int)(Length - length)).ToArray() : [];
            pending.Add(new FileChange(Math.Min(length, Length), -1, before, Length));
            Resize(length);
        }

        public void Sync() => pending.Clear();

        public void Crash(Random? random)
        {
            // A write of n bytes counts as n units and can survive in part (a torn write); a length change counts as one.
            var units = pending.Sum(change => change.Count < 0 ? 1L : change.Count);
            var keep = random is null ? 0 : random.NextInt64(units + 1);
            var boundary = 0;
            for (; boundary < pending.Count; boundary++)
            {
                var size = pending[boundary].Count < 0 ? 1 : pending[boundary].Count;
                if (keep < size)
                {
                    break;
                }

                keep -= size;
            }

            for (var i = pending.Count - 1; i > boundary; i--)
            {
                Undo(pending[i], 0);
            }

            if (boundary < pending.Count)
            {
                Undo(pending[boundary], pending[boundary].Count < 0 ? 0 : (int)keep);
            }

            pending.Clear();
        }

        // Reverts a change except for its first `kept` bytes.
        private void Undo(FileChange change, int kept)
        {
            if (change.Count < 0)
            {
                Resize(change.LengthBefore);
                change.Before.CopyTo(data.AsSpan((int)change.Offset));
                return;
            }

            var restore = change.Before.AsSpan(Math.Min(kept, change.Before.Length));
            restore.CopyTo(data.AsSpan((int)change.Offset + Math.Min(kept, change.Before.Length)));
            var keptEnd = kept > 0 ? change.Offset + kept : 0;
            Resize(Math.Max(change.LengthBefore, keptEnd));
        }

        private void Resize(long length)
        {
            if (length > int.MaxValue)
            {
                throw new IOException("Files over 2 GiB are not modelled.");
            }

            if (length > data.Length)
            {
                Array.Resize(ref data, (int)Math.Max(length, Math.Min(int.MaxValue, data.Length * 2L)));
            }
            else if (length < Length)
            {
                // Bytes past the end must read as zeros if the file grows again.
                data.AsSpan((int)length, (int)(Length - length)).Clear();
            }

            Length = length;
        }
    }

    private sealed class FaultInjectingFile(FaultInjectingFileSystem fileSystem, FileNode node, string path, long epoch) : IFile
    {
        private bool disposed;

        public string Path { get; } = path;

        public long Length
        {
            get
            {
                lock (fileSystem.sync)
                {
                    CheckOpen();
                    return node.Length;
                }
            }
        }

        public int Read(long offset, Span<byte> buffer)
        {
            lock (fileSystem.sync)
            {
                CheckOpen();
                fileSystem.Check(FileSystemOperationKind.Read, Path, offset, buffer.Length);
                return node.Read(offset, buffer);
            }
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            lock (fileSystem.sync)
            {
                CheckOpen();
                fileSystem.Check(FileSystemOperationKind.Write, Path, offset, data.Length);
                fileSystem.CheckCapacity(Path, offset + data.Length - node.Length);
                node.Write(offset, data);
            }
        }

        public void SetLength(long length)
        {
            lock (fileSystem.sync)
            {
                CheckOpen();
                fileSystem.Check(FileSystemOperationKind.SetLength, Path, length, 0);
                fileSystem.CheckCapacity(Path, length - node.Length);
                node.SetLength(length);
            }
        }

        public void Sync()
        {
            lock (fileSystem.sync)
            {
                CheckOpen();
                fileSystem.Check(FileSystemOperationKind.Sync, Path, 0, 0);
                node.Sync();
            }
        }

        public void Dispose() => disposed = true;

        private void CheckOpen()
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (epoch != fileSystem.epoch)
            {
                throw new IOException($"{Path} was opened before a simulated crash; the process that opened it is gone.");
            }
        }
    }

    private sealed class DirectoryLock(FaultInjectingFileSystem fileSystem, DirectoryNode node, long epoch) : IDisposable
    {
        public void Dispose()
        {
            lock (fileSystem.sync)
            {
                if (epoch == fileSystem.epoch)
                {
                    fileSystem.locked.Remove(node);
                }
            }
        }
    }
}
