using Raft.Storage.Testing;

namespace Raft.Storage.Tests;

/// <summary>The crash model the other tests rely on: only synced data and synced directory entries survive a crash.</summary>
public sealed class FaultInjectingFileSystemTests
{
    private const string Directory = "/data";
    private const string File = "/data/file";
    private readonly FaultInjectingFileSystem fileSystem = new();

    public FaultInjectingFileSystemTests()
    {
        fileSystem.CreateDirectory(Directory);
        fileSystem.SyncDirectory("/");
    }

    [Fact]
    public void SyncedDataSurvivesACrashAndUnsyncedDataDoesNot()
    {
        using (var file = CreateDurableFile())
        {
            file.Write(0, [1, 2, 3]);
            file.Sync();
            file.Write(1, [9, 9, 9, 9]);
        }

        fileSystem.Crash();

        Assert.Equal(new byte[] { 1, 2, 3 }, Read(File));
    }

    [Fact]
    public void NewFileIsLostWithoutADirectorySyncEvenIfItsDataWasSynced()
    {
        using (var file = fileSystem.OpenFile(File, FileMode.CreateNew))
        {
            file.Write(0, [1]);
            file.Sync();
        }

        fileSystem.Crash();

        Assert.False(fileSystem.FileExists(File));
    }

    [Fact]
    public void RenameAndDeleteAreUndoneWithoutADirectorySync()
    {
        using (var file = CreateDurableFile())
        {
            file.Write(0, [7]);
            file.Sync();
        }

        fileSystem.Rename(File, "/data/renamed");
        fileSystem.Crash();
        Assert.True(fileSystem.FileExists(File));
        Assert.False(fileSystem.FileExists("/data/renamed"));

        fileSystem.DeleteFile(File);
        fileSystem.Crash();
        Assert.Equal(new byte[] { 7 }, Read(File));

        fileSystem.Rename(File, "/data/renamed");
        fileSystem.SyncDirectory(Directory);
        fileSystem.Crash();
        Assert.Equal(new byte[] { 7 }, Read("/data/renamed"));
    }

    [Fact]
    public void CrashCanKeepAPrefixOfUnsyncedWrites()
    {
        var kept = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            var fs = new FaultInjectingFileSystem();
            fs.CreateDirectory(Directory);
            fs.SyncDirectory("/");
            using (var file = fs.OpenFile(File, FileMode.CreateNew))
            {
                fs.SyncDirectory(Directory);
                file.Write(0, [1, 1, 1, 1]);
                file.Sync();
                file.Write(2, [2, 2, 2, 2]);
                file.Write(6, [3, 3]);
            }

            fs.Crash(new Random(seed));

            // What survives is the synced data plus the first n of the 6 unsynced bytes, in the order written.
            var bytes = Read(fs, File);
            var prefixes = new[]
            {
                new byte[] { 1, 1, 1, 1 }, [1, 1, 2, 1], [1, 1, 2, 2], [1, 1, 2, 2, 2], [1, 1, 2, 2, 2, 2], [1, 1, 2, 2, 2, 2, 3], [1, 1, 2, 2, 2, 2, 3, 3],
            };
            var match = Array.FindIndex(prefixes, prefix => prefix.AsSpan().SequenceEqual(bytes));
            Assert.True(match >= 0, $"seed {seed}: [{string.Join(",", bytes)}] is no prefix of the writes");
            kept.Add(match);
        }

        Assert.Equal(7, kept.Count);
    }

    [Fact]
    public void TruncationIsUndoneByACrashUnlessSynced()
    {
        using (var file = CreateDurableFile())
        {
            file.Write(0, [1, 2, 3, 4]);
            file.Sync();
            file.SetLength(1);
            Assert.Equal(1, file.Length);
        }

        fileSystem.Crash();
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Read(File));

        using (var file = fileSystem.OpenFile(File, FileMode.Open))
        {
            file.SetLength(2);
            file.Sync();
            file.SetLength(6);
            file.Sync();
        }

        fileSystem.Crash();
        Assert.Equal(new byte[] { 1, 2, 0, 0, 0, 0 }, Read(File));
    }

    [Fact]
    public void FilesOpenedBeforeACrashCannotBeUsedAfterIt()
    {
        using var file = CreateDurableFile();

        fileSystem.Crash();

        Assert.Throws<IOException>(() => file.Write(0, [1]));
        Assert.Throws<IOException>(() => file.Read(0, new byte[1]));
    }

    [Fact]
    public void InjectedFaultsHappenInsteadOfTheOperation()
    {
        using var file = CreateDurableFile();
        var seen = new List<FileSystemOperation>();
        fileSystem.Fault = operation =>
        {
            seen.Add(operation);
            return operation.Kind == FileSystemOperationKind.Write ? FaultInjectingFileSystem.NoSpace(operation.Path) : null;
        };

        var error = Assert.Throws<IOException>(() => file.Write(0, [1, 2]));

        Assert.Equal(28, error.HResult);
        Assert.Equal(0, file.Length);
        Assert.Equal(FileSystemOperationKind.Write, seen[^1].Kind);
        Assert.Equal(File, seen[^1].Path);
        Assert.Equal(2, seen[^1].Length);
    }

    [Fact]
    public void CapacityLimitGivesNoSpace()
    {
        using var file = CreateDurableFile();
        fileSystem.CapacityBytes = 10;

        file.Write(0, new byte[10]);
        var error = Assert.Throws<IOException>(() => file.Write(10, [1]));

        Assert.Contains("ENOSPC", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, fileSystem.UsedBytes);
    }

    [Fact]
    public void OperationsAreNumberedForCrashPoints()
    {
        var start = fileSystem.OperationCount;
        using var file = CreateDurableFile();
        file.Write(0, [1]);
        file.Read(0, new byte[1]);
        file.Sync();

        Assert.Equal(start + 4, fileSystem.OperationCount);
    }

    [Fact]
    public void LocksAreExclusiveAndReleasedByACrash()
    {
        using var first = fileSystem.LockDirectory(Directory);
        Assert.Throws<IOException>(() => fileSystem.LockDirectory(Directory));

        fileSystem.Crash();

        using var second = fileSystem.LockDirectory(Directory);
    }

    private static byte[] Read(FaultInjectingFileSystem fs, string path) => TestData.ReadFile(fs, path);

    private byte[] Read(string path) => Read(fileSystem, path);

    private Raft.Storage.IO.IFile CreateDurableFile()
    {
        var file = fileSystem.OpenFile(File, FileMode.CreateNew);
        fileSystem.SyncDirectory(Directory);
        return file;
    }
}
