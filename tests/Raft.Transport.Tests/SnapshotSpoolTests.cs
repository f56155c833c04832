using Raft.Core;
using Raft.Core.Messages;

namespace Raft.Transport.Tests;

public class SnapshotSpoolTests
{
    [Fact]
    public async Task A_complete_transfer_becomes_a_whole_file_and_an_abandoned_one_leaves_nothing()
    {
        using var directory = new TempDirectory();
        var data = MessageSamples.Bytes(10_000, seed: 3);
        var header = new InstallSnapshot(2, 1, 5, MessageSamples.Snapshot(40, 4, new ClusterConfiguration([1, 2, 3]), data.Length));

        var spool = new SnapshotSpool(directory.Path, localId: 1, header);
        await spool.AppendAsync(data.AsMemory(0, 4000), CancellationToken.None);
        Assert.False(spool.IsComplete);
        Assert.Single(directory.Files(), f => f.EndsWith(".part", StringComparison.Ordinal));
        await spool.AppendAsync(data.AsMemory(4000), CancellationToken.None);
        var message = await spool.CompleteAsync();
        await spool.DisposeAsync();

        var source = Assert.IsType<FileSnapshotSource>(message.Snapshot.Source);
        Assert.EndsWith(".snap", source.Path, StringComparison.Ordinal);
        Assert.Equal([source.Path], directory.Files());
        Assert.Equal(data, await ReadAllAsync(source));
        Assert.Equal(header.Snapshot.Metadata, message.Snapshot.Metadata);

        var abandoned = new SnapshotSpool(directory.Path, localId: 1, header);
        await abandoned.AppendAsync(data.AsMemory(0, 10), CancellationToken.None);
        await abandoned.DisposeAsync();
        Assert.Equal([source.Path], directory.Files());

        source.Delete();
        Assert.Empty(directory.Files());
    }

    [Fact]
    public async Task A_chunk_beyond_the_announced_length_is_a_protocol_error()
    {
        using var directory = new TempDirectory();
        var header = new InstallSnapshot(2, 1, 5, MessageSamples.Snapshot(40, 4, null, 10));
        await using var spool = new SnapshotSpool(directory.Path, localId: 1, header);
        await spool.AppendAsync(new byte[8], CancellationToken.None);
        await Assert.ThrowsAsync<ProtocolException>(async () => await spool.AppendAsync(new byte[3], CancellationToken.None));
    }

    [Fact]
    public void Leftovers_of_this_node_are_deleted_and_other_files_are_kept()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "raft-1-snapshot-from-2-1-1-x.part"), "partial");
        File.WriteAllText(Path.Combine(directory.Path, "raft-1-snapshot-from-2-1-1-y.snap"), "done");
        File.WriteAllText(Path.Combine(directory.Path, "raft-11-snapshot-from-2-1-1-z.snap"), "another node");
        File.WriteAllText(Path.Combine(directory.Path, "unrelated"), "keep");
        Assert.Equal(2, SnapshotSpool.DeleteLeftovers(directory.Path, 1));
        Assert.Equal(["raft-11-snapshot-from-2-1-1-z.snap", "unrelated"], directory.Files().Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    internal static async Task<byte[]> ReadAllAsync(FileSnapshotSource source)
    {
        await using var stream = source.OpenRead();
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
