namespace Raft.Storage.IO;

/// <summary>Real files: <see cref="RandomAccess"/> for data, fdatasync for file contents and fsync for directories (see <see cref="Fsync"/>).</summary>
public sealed class PhysicalFileSystem : IFileSystem
{
    private const string LockFileName = "lock";

    private PhysicalFileSystem()
    {
    }

    public static PhysicalFileSystem Instance { get; } = new();

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public bool FileExists(string path) => File.Exists(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public IReadOnlyList<string> GetFileNames(string directory)
    {
        var names = Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public IFile OpenFile(string path, FileMode mode)
    {
        if (mode is not (FileMode.CreateNew or FileMode.Open))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Only CreateNew and Open are supported.");
        }

        // Sharing is left open: the store is the only writer (the directory lock sees to that), and snapshot readers on
        // other threads open their own handles.
        return new PhysicalFile(path, File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));
    }

    public void Rename(string sourcePath, string destinationPath) => File.Move(sourcePath, destinationPath, overwrite: true);

    public void DeleteFile(string path) => File.Delete(path);

    public void SyncDirectory(string path) => Fsync.Directory(path);

    public IDisposable LockDirectory(string path)
    {
        // FileShare.None takes an exclusive advisory lock (flock) on Unix and a sharing lock on Windows: a second process,
        // or a second store in this one, fails here instead of interleaving writes with ours.
        var lockPath = Path.Combine(path, LockFileName);
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The data directory {path} is in use by another process or store ({lockPath} is locked).", e);
        }
    }
}
