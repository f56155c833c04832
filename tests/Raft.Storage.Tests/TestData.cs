using Raft.Core;
using Raft.Core.Storage;
using Raft.Storage.IO;
using Raft.Storage.Testing;

namespace Raft.Storage.Tests;

/// <summary>Entries, options and assertions shared by the storage tests.</summary>
internal static class TestData
{
    public const string Cluster = "test-cluster";

    /// <summary>Where stores live on a <see cref="FaultInjectingFileSystem"/>.</summary>
    public static readonly string Root = Path.Combine(Path.GetTempPath(), "fault-injected", "node-1");

    public static FileLogStoreOptions Options(IFileSystem fileSystem, long segmentSize = 4096, bool preallocate = true, long cache = 1 << 20) => new()
    {
        ClusterId = Cluster,
        FileSystem = fileSystem,
        SegmentSize = segmentSize,
        PreallocateSegments = preallocate,
        PrepareSegmentsInBackground = false,
        EntryCacheSize = cache,
    };

    public static FileLogStore Open(IFileSystem fileSystem, long segmentSize = 4096, bool preallocate = true, long cache = 1 << 20) =>
        FileLogStore.Open(Root, Options(fileSystem, segmentSize, preallocate, cache));

    /// <summary>An entry whose payload is determined by its index, term and salt, so that any mix-up shows.</summary>
    public static LogEntry Entry(ulong index, ulong term, int size = 16, int salt = 0)
    {
        var data = new byte[size];
        for (var i = 0; i < size; i++)
        {
            data[i] = (byte)((index * 31) + (term * 7) + (ulong)salt + (ulong)i);
        }

        return new LogEntry(index, term, (EntryType)((index + (ulong)salt) % 3), data);
    }

    public static LogEntry[] Entries(ulong from, ulong to, ulong term, int size = 16, int salt = 0)
    {
        var entries = new LogEntry[to - from + 1];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = Entry(from + (ulong)i, term, size, salt);
        }

        return entries;
    }

    public static Snapshot Snapshot(ulong index, ulong term, int size, ClusterConfiguration? configuration = null)
    {
        var data = new byte[size];
        new Random((int)index).NextBytes(data);
        return new Snapshot(new SnapshotMetadata(index, term, configuration), new MemorySnapshotSource(data));
    }

    public static List<LogEntry> ReadAll(ILogStore store)
    {
        var entries = new List<LogEntry>();
        store.GetEntries(store.FirstIndex, store.LastIndex + 1, long.MaxValue, entries);
        return entries;
    }

    public static byte[] ReadSnapshotData(ISnapshotSource source)
    {
        using var stream = source.OpenRead();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static bool SameEntry(LogEntry expected, LogEntry actual) =>
        expected.Index == actual.Index && expected.Term == actual.Term && expected.Type == actual.Type && expected.Data.Span.SequenceEqual(actual.Data.Span);

    public static void AssertEntries(IReadOnlyList<LogEntry> expected, IReadOnlyList<LogEntry> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(SameEntry(expected[i], actual[i]), $"Entry {expected[i].Index}: expected term {expected[i].Term}, type {expected[i].Type}, {expected[i].Data.Length} bytes; got index {actual[i].Index}, term {actual[i].Term}, type {actual[i].Type}, {actual[i].Data.Length} bytes.");
        }
    }

    /// <summary>Reads a whole file of a fault-injecting file system.</summary>
    public static byte[] ReadFile(IFileSystem fileSystem, string path)
    {
        using var file = fileSystem.OpenFile(path, FileMode.Open);
        var bytes = new byte[file.Length];
        file.Read(0, bytes);
        return bytes;
    }

    /// <summary>Overwrites part of a file and syncs it, as damage on the disk would look after a restart.</summary>
    public static void Overwrite(IFileSystem fileSystem, string path, long offset, ReadOnlySpan<byte> bytes)
    {
        using var file = fileSystem.OpenFile(path, FileMode.Open);
        file.Write(offset, bytes);
        file.Sync();
    }

    public static string[] Segments(IFileSystem fileSystem) =>
        fileSystem.GetFileNames(Path.Combine(Root, "wal")).Where(name => name.EndsWith(".wal", StringComparison.Ordinal)).Select(name => Path.Combine(Root, "wal", name)).ToArray();
}
