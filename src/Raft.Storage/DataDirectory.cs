using System.Globalization;
using System.Text;
using Raft.Storage.IO;

namespace Raft.Storage;

/// <summary>
/// The layout of a node's data directory, meant to be read by a person as well as by the store:
/// <code>
/// meta    text: format version, cluster id and (when given) the members, written once when the directory is created
/// lock    held (flock) while a store has the directory open
/// wal/    write-ahead log segments: {sequence}-{first index}.wal; files waiting to become segments (spare.tmp,
///         recycled-{n}.tmp) are removed on open
/// snap/   snapshots: {last included index}-{term}.snap
/// </code>
/// The meta file is written last, through a temporary file and a rename, so its presence means the layout is complete.
/// </summary>
internal sealed class DataDirectory : IDisposable
{
    /// <summary>
    /// The layout and record format this build reads and writes. 2: record checksums are salted with the segment's
    /// sequence number, segments end with a seal and may be recycled files (version 1 directories are refused).
    /// </summary>
    public const int FormatVersion = 2;
    public const string MetaFileName = "meta";
    public const string WalDirectoryName = "wal";
    public const string SnapshotDirectoryName = "snap";

    private const string VersionKey = "format-version";
    private const string ClusterKey = "cluster-id";
    private const string MembersKey = "members";
    private const string LockFileName = "lock";

    private readonly IDisposable directoryLock;

    private DataDirectory(string root, IDisposable directoryLock)
    {
        Root = root;
        this.directoryLock = directoryLock;
    }

    public string Root { get; }

    public string WalPath => Path.Combine(Root, WalDirectoryName);

    public string SnapshotPath => Path.Combine(Root, SnapshotDirectoryName);

    /// <summary>Opens (or creates, if allowed) the data directory and locks it for this store.</summary>
    public static DataDirectory Open(string root, FileLogStoreOptions options)
    {
        var fileSystem = options.FileSystem;
        if (options.Members?.Contains('\n', StringComparison.Ordinal) == true)
        {
            throw new ArgumentException("The members text must be one line.", nameof(options));
        }

        root = Path.GetFullPath(root);
        if (!fileSystem.DirectoryExists(root))
        {
            if (!options.CreateIfMissing)
            {
                throw new IncompatibleDataDirectoryException($"The data directory {root} does not exist, and this node was told to find existing data there.");
            }

            CreateWithParents(fileSystem, root, options);
        }

        var directoryLock = fileSystem.LockDirectory(root);
        try
        {
            var directory = new DataDirectory(root, directoryLock);
            if (fileSystem.FileExists(Path.Combine(root, MetaFileName)))
            {
                directory.Check(fileSystem, options);
            }
            else
            {
                directory.Initialize(fileSystem, options);
            }

            return directory;
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    public void Dispose() => directoryLock.Dispose();

    private static void CreateWithParents(IFileSystem fileSystem, string path, FileLogStoreOptions options)
    {
        var parent = Path.GetDirectoryName(path);
        if (parent is not null && !fileSystem.DirectoryExists(parent))
        {
            CreateWithParents(fileSystem, parent, options);
        }

        fileSystem.CreateDirectory(path);
        if (parent is not null && !options.UnsafeNoFsync)
        {
            fileSystem.SyncDirectory(parent);
        }
    }

    private void Check(IFileSystem fileSystem, FileLogStoreOptions options)
    {
        var clusterId = options.ClusterId;
        var metaPath = Path.Combine(Root, MetaFileName);
        var values = ReadMeta(fileSystem, metaPath);
        if (!values.TryGetValue(VersionKey, out var versionText) || !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !values.TryGetValue(ClusterKey, out var storedCluster))
        {
            throw new IncompatibleDataDirectoryException(
                $"The meta file {metaPath} is unreadable (it needs '{VersionKey}' and '{ClusterKey}' lines). It is written once and never edited; "
                + "if it was damaged, treat this node's data as lost: move the directory aside, remove the node from the cluster and add it back.");
        }

        if (version != FormatVersion)
        {
            throw new IncompatibleDataDirectoryException(
                $"The data directory {Root} has format version {version}, but this build reads version {FormatVersion} only. "
                + "Run a build that reads that version, or move the directory aside and let the node rejoin the cluster (remove it and add it back).");
        }

        if (!string.Equals(storedCluster, clusterId, StringComparison.Ordinal))
        {
            throw new IncompatibleDataDirectoryException(
                $"The data directory {Root} belongs to cluster '{storedCluster}', not to cluster '{clusterId}'. "
                + "Check the node's data directory and cluster id settings; a node must never start on another cluster's data.");
        }

        // A directory created before members were recorded (or by a caller that gives none) cannot be checked.
        if (options.Members is { } members && values.TryGetValue(MembersKey, out var storedMembers)
            && !string.Equals(storedMembers, members, StringComparison.Ordinal))
        {
            throw new IncompatibleDataDirectoryException(
                $"The data directory {Root} was created for a cluster of members '{storedMembers}', but this node is configured with members '{members}'. "
                + "Membership cannot change by restarting with other peers: what that cluster committed is not committed in this one. "
                + "Start this node with its original peers, or give it an empty data directory (move this one aside).");
        }

        foreach (var name in new[] { WalDirectoryName, SnapshotDirectoryName })
        {
            if (!fileSystem.DirectoryExists(Path.Combine(Root, name)))
            {
                throw new IncompatibleDataDirectoryException(
                    $"The data directory {Root} has a meta file but no {name}/ directory, so part of this node's data is missing. "
                    + "Treat the data as lost: move the directory aside, remove the node from the cluster and add it back.");
            }
        }
    }

    private void Initialize(IFileSystem fileSystem, FileLogStoreOptions options)
    {
        if (!options.CreateIfMissing)
        {
            throw new IncompatibleDataDirectoryException($"The data directory {Root} has no meta file, and this node was told to find existing data there.");
        }

        // Files without a meta file are not ours, or are the remains of something we cannot vouch for: never adopt them.
        var stray = fileSystem.GetFileNames(Root).Where(name => name is not LockFileName && name != MetaFileName + ".tmp")
            .Concat(Contents(fileSystem, WalPath)).Concat(Contents(fileSystem, SnapshotPath)).ToList();
        if (stray.Count > 0)
        {
            throw new IncompatibleDataDirectoryException(
                $"The data directory {Root} has no meta file but is not empty (it holds {string.Join(", ", stray.Take(5))}), "
                + "so it is not a data directory of this format. Point the node at an empty or existing data directory.");
        }

        foreach (var path in new[] { WalPath, SnapshotPath })
        {
            fileSystem.CreateDirectory(path);
        }

        var sync = !options.UnsafeNoFsync;
        if (sync)
        {
            fileSystem.SyncDirectory(Root);
        }

        var metaPath = Path.Combine(Root, MetaFileName);
        var temporary = metaPath + ".tmp";
        if (fileSystem.FileExists(temporary))
        {
            fileSystem.DeleteFile(temporary);
        }

        var text = "# Raft node data directory. Written once when the directory was created; do not edit.\n"
            + "# wal/ holds the write-ahead log segments, snap/ the snapshots.\n"
            + $"{VersionKey}: {FormatVersion}\n{ClusterKey}: {options.ClusterId}\n"
            + (options.Members is { } members ? $"{MembersKey}: {members}\n" : string.Empty);
        using (var file = fileSystem.OpenFile(temporary, FileMode.CreateNew))
        {
            file.Write(0, Encoding.UTF8.GetBytes(text));
            if (sync)
            {
                file.Sync();
            }
        }

        fileSystem.Rename(temporary, metaPath);
        if (sync)
        {
            fileSystem.SyncDirectory(Root);
        }
    }

    private static IEnumerable<string> Contents(IFileSystem fileSystem, string directory) =>
        fileSystem.DirectoryExists(directory) ? fileSystem.GetFileNames(directory).Select(name => Path.Combine(Path.GetFileName(directory), name)) : [];

    private static Dictionary<string, string> ReadMeta(IFileSystem fileSystem, string path)
    {
        using var file = fileSystem.OpenFile(path, FileMode.Open);
        var bytes = new byte[Math.Min(file.Length, 64 << 10)];
        var read = file.Read(0, bytes);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, read).Split('\n'))
        {
            var separator = line.IndexOf(':', StringComparison.Ordinal);
            if (!line.StartsWith('#') && separator > 0)
            {
                values[line[..separator].Trim()] = line[(separator + 1)..].Trim();
            }
        }

        return values;
    }
}
