using System.Security.Cryptography;
using Raft.Core;
using Raft.Core.Messages;
using Raft.Core.Storage;

namespace Raft.Transport.Tests;

public class SnapshotTransferTests
{
    [Fact]
    public async Task A_snapshot_larger_than_a_frame_is_streamed_in_chunks_and_arrives_byte_identical()
    {
        using var receiveDirectory = new TempDirectory();
        const int chunk = 1 << 20;
        var data = MessageSamples.Bytes(5 << 20, seed: 42);
        var configuration = new ClusterConfiguration([1, 2, 3], [1, 2, 4], [5]);
        var snapshot = new Snapshot(new SnapshotMetadata(1000, 7, configuration), new MemorySnapshotSource(data));

        // Frames are limited to 2 MiB: the 5 MiB snapshot can only get through in chunks.
        await using var leader = await TestNode.StartAsync(TestNode.MakeOptions(1, maxFrameBytes: 2 << 20, snapshotChunkBytes: chunk));
        await using var follower = await TestNode.StartAsync(
            TestNode.MakeOptions(2, maxFrameBytes: 2 << 20, snapshotChunkBytes: chunk, snapshotDirectory: receiveDirectory.Path));
        TestNode.Introduce(leader, follower);

        Assert.True(leader.Transport.Send(new InstallSnapshot(1, 2, 7, snapshot)));
        Assert.True(leader.Transport.Send(new Heartbeat(1, 2, 7, 1000, 1))); // not stuck behind the snapshot

        var received = await follower.ReceiveAsync<InstallSnapshot>();
        await follower.ReceiveAsync<Heartbeat>();
        Assert.Equal((1UL, 2UL, 7UL), (received.From, received.To, received.Term));
        Assert.Equal(snapshot.Metadata, received.Snapshot.Metadata);
        var source = Assert.IsType<FileSnapshotSource>(received.Snapshot.Source);
        Assert.Equal(data.Length, source.Length);
        Assert.StartsWith(receiveDirectory.Path, source.Path, StringComparison.Ordinal);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await SnapshotSpoolTests.ReadAllAsync(source)));

        Assert.Equal(1, follower.Statistics.SnapshotsReceived);
        Assert.True(follower.Statistics.FramesReceived >= 1 + 5 + 1, $"{follower.Statistics.FramesReceived} frames"); // header, 5 chunks, heartbeat
        Assert.Equal([source.Path], receiveDirectory.Files()); // no partial files left; the whole one is the consumer's
        source.Delete();
    }

    [Fact]
    public async Task An_empty_snapshot_is_delivered_from_its_header_alone()
    {
        using var receiveDirectory = new TempDirectory();
        await using var leader = await TestNode.StartAsync(1);
        await using var follower = await TestNode.StartAsync(TestNode.MakeOptions(2, snapshotDirectory: receiveDirectory.Path));
        TestNode.Introduce(leader, follower);

        var snapshot = new Snapshot(new SnapshotMetadata(3, 1, new ClusterConfiguration([1, 2])), MemorySnapshotSource.Empty);
        Assert.True(leader.Transport.Send(new InstallSnapshot(1, 2, 1, snapshot)));
        var received = await follower.ReceiveAsync<InstallSnapshot>();
        Assert.Equal(0, received.Snapshot.Source.Length);
        Assert.Equal(snapshot.Metadata, received.Snapshot.Metadata);
        Assert.Empty(receiveDirectory.Files());
    }

    [Fact]
    public async Task A_transfer_cut_off_midway_leaves_no_spool_file_and_the_node_carries_on()
    {
        using var receiveDirectory = new TempDirectory();
        await using var follower = await TestNode.StartAsync(TestNode.MakeOptions(2, snapshotDirectory: receiveDirectory.Path));
        await using (var raw = await RawPeer.ConnectAsync(follower.EndPoint))
        {
            Assert.Equal(HandshakeStatus.Accepted, (await raw.HandshakeAsync(senderId: 9)).Status);
            var header = new InstallSnapshot(9, 2, 1, new Snapshot(new SnapshotMetadata(5, 1, null), new MemorySnapshotSource(new byte[100])));
            await raw.SendFrameAsync(MessageCodec.Encode(header));
            await raw.SendFrameAsync(new byte[] { (byte)FrameType.SnapshotChunk, 1, 2, 3, 4, 5 });
            await raw.SendFrameAsync(MessageCodec.Encode(new Heartbeat(9, 2, 1, 0, 1)));
            await follower.ReceiveAsync<Heartbeat>(); // by now the chunk was spooled
            Assert.Single(receiveDirectory.Files(), f => f.EndsWith(".part", StringComparison.Ordinal));
        }

        var abandoned = await follower.Logger.WaitForAsync("SnapshotAbandoned");
        Assert.Contains("after 5 of 100 bytes", abandoned.Message, StringComparison.Ordinal);
        Assert.Empty(receiveDirectory.Files());
        Assert.Equal(0, follower.Statistics.SnapshotsReceived);
    }

    [Fact]
    public async Task A_newer_snapshot_supersedes_one_still_in_flight()
    {
        using var receiveDirectory = new TempDirectory();
        await using var follower = await TestNode.StartAsync(TestNode.MakeOptions(2, snapshotDirectory: receiveDirectory.Path));
        await using var raw = await RawPeer.ConnectAsync(follower.EndPoint);
        Assert.Equal(HandshakeStatus.Accepted, (await raw.HandshakeAsync(senderId: 9)).Status);

        var old = new InstallSnapshot(9, 2, 1, new Snapshot(new SnapshotMetadata(5, 1, null), new MemorySnapshotSource(new byte[100])));
        await raw.SendFrameAsync(MessageCodec.Encode(old));
        await raw.SendFrameAsync(new byte[] { (byte)FrameType.SnapshotChunk, 1, 2, 3 });
        var newer = new InstallSnapshot(9, 2, 2, new Snapshot(new SnapshotMetadata(8, 2, null), new MemorySnapshotSource(new byte[3])));
        await raw.SendFrameAsync(MessageCodec.Encode(newer));
        await raw.SendFrameAsync(new byte[] { (byte)FrameType.SnapshotChunk, 7, 8, 9 });

        var received = await follower.ReceiveAsync<InstallSnapshot>();
        Assert.Equal(8UL, received.Snapshot.Metadata.Index);
        Assert.Equal(new byte[] { 7, 8, 9 }, await SnapshotSpoolTests.ReadAllAsync((FileSnapshotSource)received.Snapshot.Source));
        Assert.Contains("superseded", (await follower.Logger.WaitForAsync("SnapshotAbandoned")).Message, StringComparison.Ordinal);
        Assert.Single(receiveDirectory.Files());
    }

    [Fact]
    public async Task Spool_files_left_by_an_earlier_run_of_the_node_are_deleted_at_start()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "raft-2-snapshot-from-1-5-1-abc.part"), "crashed mid-transfer");
        File.WriteAllText(Path.Combine(directory.Path, "raft-2-snapshot-from-1-5-1-def.snap"), "never installed");
        File.WriteAllText(Path.Combine(directory.Path, "raft-3-snapshot-from-1-5-1-ghi.snap"), "another node's");
        await using var node = await TestNode.StartAsync(TestNode.MakeOptions(2, snapshotDirectory: directory.Path));
        Assert.Equal(["raft-3-snapshot-from-1-5-1-ghi.snap"], directory.Files().Select(Path.GetFileName));
        await node.Logger.WaitForAsync("LeftoversDeleted");
    }

    [Fact]
    public async Task An_unreadable_snapshot_source_drops_that_message_only()
    {
        await using var leader = await TestNode.StartAsync(1);
        await using var follower = await TestNode.StartAsync(2);
        TestNode.Introduce(leader, follower);

        var broken = new Snapshot(new SnapshotMetadata(5, 1, null), new UnreadableSource());
        Assert.True(leader.Transport.Send(new InstallSnapshot(1, 2, 1, broken)));
        Assert.True(leader.Transport.Send(new Heartbeat(1, 2, 1, 0, 1)));
        await follower.ReceiveAsync<Heartbeat>();
        await leader.Logger.WaitForAsync("SnapshotSourceFailed");
        Assert.False(follower.TryReceive(out _));
    }

    /// <summary>A source whose file has gone: opening it fails.</summary>
    private sealed class UnreadableSource : ISnapshotSource
    {
        public long Length => 10;

        public Stream OpenRead() => throw new FileNotFoundException("gone");
    }
}
