using Raft.Storage.Testing;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>The data directory is created once, tied to one cluster and one format version, and never adopted blindly.</summary>
public sealed class DataDirectoryTests
{
    private readonly FaultInjectingFileSystem fileSystem = new();

    [Fact]
    public void AnotherClustersDirectoryIsRefused()
    {
        Open(fileSystem).Dispose();

        var error = Assert.Throws<IncompatibleDataDirectoryException>(() => FileLogStore.Open(Root, Options(fileSystem) with { ClusterId = "other-cluster" }));

        Assert.Contains($"belongs to cluster '{Cluster}', not to cluster 'other-cluster'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryCreatedForOtherMembersIsRefused()
    {
        FileLogStore.Open(Root, Options(fileSystem) with { Members = "node-1" }).Dispose();

        var error = Assert.Throws<IncompatibleDataDirectoryException>(() => FileLogStore.Open(Root, Options(fileSystem) with { Members = "node-1,node-2,node-3" }));

        Assert.Contains("created for a cluster of members 'node-1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("configured with members 'node-1,node-2,node-3'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryOpensWithItsOwnMembersAndWhenEitherSideRecordsNone()
    {
        FileLogStore.Open(Root, Options(fileSystem) with { Members = "node-1,node-2,node-3" }).Dispose();
        FileLogStore.Open(Root, Options(fileSystem) with { Members = "node-1,node-2,node-3" }).Dispose();
        FileLogStore.Open(Root, Options(fileSystem) with { Members = null }).Dispose();

        // A directory written without members (an older build, or a caller that gives none) cannot be checked.
        var other = new FaultInjectingFileSystem();
        FileLogStore.Open(Root, Options(other) with { Members = null }).Dispose();
        FileLogStore.Open(Root, Options(other) with { Members = "node-1" }).Dispose();
        FileLogStore.Open(Root, Options(other) with { Members = "node-1,node-2" }).Dispose();
    }

    [Theory]
    [InlineData(1)] // before segment recycling: unsalted checksums, unsealed segments
    [InlineData(7)]
    public void UnknownFormatVersionIsRefused(int version)
    {
        Open(fileSystem).Dispose();
        var meta = Path.Combine(Root, "meta");
        var text = System.Text.Encoding.UTF8.GetString(ReadFile(fileSystem, meta)).Replace("format-version: 2", $"format-version: {version}", StringComparison.Ordinal);
        fileSystem.DeleteFile(meta);
        using (var file = fileSystem.OpenFile(meta, FileMode.CreateNew))
        {
            file.Write(0, System.Text.Encoding.UTF8.GetBytes(text));
        }

        var error = Assert.Throws<IncompatibleDataDirectoryException>(() => Open(fileSystem));

        Assert.Contains($"format version {version}", error.Message, StringComparison.Ordinal);
        Assert.Contains("reads version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadableMetaFileIsRefused()
    {
        Open(fileSystem).Dispose();
        Overwrite(fileSystem, Path.Combine(Root, "meta"), 0, new byte[200]);

        var error = Assert.Throws<IncompatibleDataDirectoryException>(() => Open(fileSystem));

        Assert.Contains("unreadable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DirectoryWithFilesButNoMetaIsNotAdopted()
    {
        fileSystem.CreateDirectory(Path.GetDirectoryName(Path.GetDirectoryName(Root))!);
        fileSystem.CreateDirectory(Path.GetDirectoryName(Root)!);
        fileSystem.CreateDirectory(Root);
        fileSystem.OpenFile(Path.Combine(Root, "notes.txt"), FileMode.CreateNew).Dispose();

        var error = Assert.Throws<IncompatibleDataDirectoryException>(() => Open(fileSystem));

        Assert.Contains("notes.txt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDirectoryIsRefusedWhenDataMustExist()
    {
        var error = Assert.Throws<IncompatibleDataDirectoryException>(() => FileLogStore.Open(Root, Options(fileSystem) with { CreateIfMissing = false }));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.False(fileSystem.DirectoryExists(Root));
    }

    [Fact]
    public void DirectoryCanBeOpenedByOneStoreAtATime()
    {
        using var store = Open(fileSystem);

        Assert.Throws<IOException>(() => Open(fileSystem));

        store.Dispose();
        Open(fileSystem).Dispose();
    }

    [Fact]
    public void CreationIsDurableAndACrashDuringItLeavesAReusableDirectory()
    {
        var points = 0L;
        var counting = new FaultInjectingFileSystem();
        Open(counting).Dispose();
        points = counting.OperationCount;

        for (long point = 1; point <= points; point++)
        {
            var crashing = new FaultInjectingFileSystem();
            var crashAt = point;
            crashing.Fault = operation => operation.IsMutation && operation.Sequence == crashAt ? FaultInjectingFileSystem.InputOutputError(operation.Path) : null;
            Assert.ThrowsAny<IOException>(() => Open(crashing));
            crashing.Fault = null;
            crashing.Crash(new Random((int)point));

            using (var store = Open(crashing))
            {
                store.Save(new Core.HardState(1, 1, 0), []);
            }

            crashing.Crash();
            using var reopened = Open(crashing);
            Assert.Equal(1UL, reopened.HardState.Term);
        }
    }
}
