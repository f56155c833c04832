using Raft.Core;
using Raft.Core.Messages;
using Raft.Core.Storage;

namespace Raft.Transport.Tests;

/// <summary>Messages of every type with edge values, shared by the codec tests.</summary>
internal static class MessageSamples
{
    public static IEnumerable<Message> All()
    {
        foreach (var (from, to, term) in new[] { (1UL, 2UL, 0UL), (3UL, 1UL, 7UL), (ulong.MaxValue, 1UL, ulong.MaxValue), (127UL, 128UL, 16_383UL) })
        {
            yield return new RequestVote(from, to, term, 42, 41);
            yield return new RequestVote(from, to, term, ulong.MaxValue, 0);
            yield return new RequestVoteResponse(from, to, term, true);
            yield return new RequestVoteResponse(from, to, term, false);
            yield return new PreVote(from, to, term, 0, 0);
            yield return new PreVote(from, to, term, 1UL << 35, 1UL << 62);
            yield return new PreVoteResponse(from, to, term, true);
            yield return new PreVoteResponse(from, to, term, false);
            yield return new AppendEntries(from, to, term, 0, 0, [], 0);
            yield return new AppendEntries(from, to, term, 10, 3, Entries(11, 3, 5, dataLength: 100), 9);
            yield return new AppendEntriesResponse(from, to, term, true, 99);
            yield return new AppendEntriesResponse(from, to, term, false, 99, 4, 80);
            yield return new Heartbeat(from, to, term, 1000, 77);
            yield return new HeartbeatResponse(from, to, term, ulong.MaxValue);
            yield return new ReadIndexRequest(from, to, term, 123456789);
            yield return new ReadIndexResponse(from, to, term, 123456789, 1UL << 40);
            yield return new InstallSnapshot(from, to, term, Snapshot(100, 5, null, 0));
            yield return new InstallSnapshot(from, to, term, Snapshot(100, 5, new ClusterConfiguration([1, 2, 3]), 5 << 20));
            yield return new InstallSnapshot(from, to, term, Snapshot(ulong.MaxValue, 9, new ClusterConfiguration([1, 2, 4], [1, 2, 3], [7, 1UL << 50]), long.MaxValue));
        }

        // Entries of every type, empty payloads among them, and one large payload.
        yield return new AppendEntries(1, 2, 3, 4, 2, [
            new LogEntry(5, 3, EntryType.Noop, ReadOnlyMemory<byte>.Empty),
            new LogEntry(6, 3, EntryType.Command, new byte[] { 1, 2, 3 }),
            new LogEntry(7, 3, EntryType.Configuration, new byte[] { 9 }),
            new LogEntry(8, 3, EntryType.Command, ReadOnlyMemory<byte>.Empty),
            new LogEntry(9, 3, EntryType.Command, Bytes(1 << 20, seed: 9)),
        ], 5);
    }

    public static LogEntry[] Entries(ulong firstIndex, ulong term, int count, int dataLength) =>
        [.. Enumerable.Range(0, count).Select(i => new LogEntry(firstIndex + (ulong)i, term, EntryType.Command, Bytes(dataLength + i, seed: i)))];

    public static Snapshot Snapshot(ulong index, ulong term, ClusterConfiguration? configuration, long length) =>
        new(new SnapshotMetadata(index, term, configuration), new LengthOnlySource(length));

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The codec only reads a snapshot's length; this stands for data that is never opened.</summary>
    private sealed class LengthOnlySource(long length) : ISnapshotSource
    {
        public long Length { get; } = length;

        public Stream OpenRead() => throw new InvalidOperationException("The codec must not read snapshot data.");
    }
}
