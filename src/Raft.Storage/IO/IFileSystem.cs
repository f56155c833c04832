namespace Raft.Storage.IO;

/// <summary>
/// The few file-system operations the store needs, behind an interface so that tests and the simulator can run the real
/// store over a file system that loses unsynced data on a simulated crash and fails on demand.
/// The durability rules are those of POSIX, stated here because the store relies on them: file contents are durable only
/// after <see cref="IFile.Sync"/>; a file or directory being created, renamed or deleted is durable only after
/// <see cref="SyncDirectory"/> on the directory that holds it.
/// </summary>
public interface IFileSystem
{
    bool DirectoryExists(string path);

    bool FileExists(string path);

    /// <summary>Creates one directory whose parent exists; nothing happens if it exists already.</summary>
    void CreateDirectory(string path);

    /// <summary>Names (not paths) of the files directly inside <paramref name="directory"/>, in ordinal order.</summary>
    IReadOnlyList<string> GetFileNames(string directory);

    /// <summary>Opens a file for reading and writing; <paramref name="mode"/> is <see cref="FileMode.CreateNew"/> or <see cref="FileMode.Open"/>.</summary>
    IFile OpenFile(string path, FileMode mode);

    /// <summary>Renames a file, atomically replacing any file at <paramref name="destinationPath"/>.</summary>
    void Rename(string sourcePath, string destinationPath);

    void DeleteFile(string path);

    /// <summary>Makes the creations, renames and deletions of entries in <paramref name="path"/> durable (fsync of the directory).</summary>
    void SyncDirectory(string path);

    /// <summary>Takes an exclusive lock on the directory for the life of this process; throws <see cref="IOException"/> if it is held.</summary>
    IDisposable LockDirectory(string path);
}
