using Raft.Storage.IO;

namespace Raft.Storage.Wal;

/// <summary>
/// Provides the files for new segments. With preallocation every segment file is full-size and its blocks already
/// written before the log appends to it, so that appends overwrite blocks the file system has allocated and each
/// fdatasync flushes data alone, not the metadata that growing a file (or converting unwritten extents) changes. On this
/// project's machine (ext4) a 1 KiB write + fdatasync took about 82 µs into a zero-filled file and 120 µs into a growing
/// one, and 1 MB batches went at 2.6 GB/s instead of 0.5 GB/s (bench/Raft.Storage.Benchmarks).
/// <para>
/// Such files come from two places. First choice is a <b>recycled</b> segment: the file of a segment that compaction
/// made obsolete, renamed aside by <see cref="TryRecycle"/> instead of deleted, as PostgreSQL and RocksDB do. Reusing it
/// costs a rename; its stale records cannot be mistaken for new ones, because every record's checksum is salted with the
/// sequence number of its segment (<see cref="WalRecord"/>). Only when none is waiting is a <b>spare</b> used: a fresh
/// file zero-filled and synced, prepared in the background so that the zero-filling stays off the append path. Zero-filling
/// makes the device write every byte twice (zeros, then records), which at 1 MB batches cost about a third of the raw
/// bandwidth; recycling avoids it once a node compacts its log, as it does after every snapshot. A spare is prepared only
/// when no recycled file is waiting, so in steady state none is written.
/// </para>
/// <para>
/// Both kinds wait under names ending in <see cref="TemporaryExtension"/>, which the log removes when it is opened: after a
/// crash such a file may hold records of a segment whose name the crash lost, and whose sequence number will be used again.
/// </para>
/// </summary>
internal sealed class SegmentAllocator(IFileSystem fileSystem, string directory, long segmentSize, bool preallocate, bool background, bool sync) : IDisposable
{
    /// <summary>Name of the spare segment file; any file ending in <see cref="TemporaryExtension"/> is removed on open.</summary>
    public const string SpareName = "spare.tmp";

    /// <summary>Recycled segment files are named <c>recycled-{n}.tmp</c>.</summary>
    public const string RecycledPrefix = "recycled-";
    public const string TemporaryExtension = ".tmp";

    /// <summary>Recycled files kept waiting at most; compaction deletes the others, so that disk use stays bounded.</summary>
    public const int MaxRecycled = 2;

    // Only ever read from, so one buffer serves every writer.
    private static readonly byte[] Zeros = new byte[1 << 20];

    private readonly CancellationTokenSource closing = new();
    private readonly Queue<string> recycled = new();
    private long recycledNames;
    private int sparesPrepared;

    // The spare being prepared, or prepared, in the background; null when there is none.
    private Task? preparing;

    /// <summary>Segments created from recycled files since this allocator started.</summary>
    public int RecycledUsed { get; private set; }

    /// <summary>Zero-filled spare files written since this allocator started (in the background or on the append path).</summary>
    public int SparesPrepared => Volatile.Read(ref sparesPrepared);

    /// <summary>Recycled files waiting to be used.</summary>
    public int RecycledWaiting => recycled.Count;

    private string SparePath => Path.Combine(directory, SpareName);

    /// <summary>
    /// Starts preparing a spare in the background, if that is how segments are prepared and neither a spare nor a recycled
    /// file is waiting, so that the next roll finds a file ready.
    /// </summary>
    public void PrepareAhead()
    {
        if (preallocate && background && preparing is null && recycled.Count == 0)
        {
            preparing = Task.Run(PrepareSpare, closing.Token);
        }
    }

    /// <summary>Waits until the spare being prepared in the background is ready (for benchmarks that must not measure it).</summary>
    public void WaitForSpare() => preparing?.GetAwaiter().GetResult();

    /// <summary>
    /// Creates the segment file at <paramref name="path"/>; its name becomes durable only when the caller syncs the directory.
    /// <paramref name="isRecycled"/> says whether it is a recycled file, whose bytes after what the log writes are stale
    /// records rather than zeros.
    /// </summary>
    public IFile Create(string path, out bool isRecycled)
    {
        isRecycled = false;
        if (!preallocate)
        {
            return fileSystem.OpenFile(path, FileMode.CreateNew);
        }

        if (recycled.TryPeek(out var old))
        {
            fileSystem.Rename(old, path);
            recycled.Dequeue();
            isRecycled = true;
            RecycledUsed++;
        }
        else
        {
            if (preparing is null)
            {
                PrepareSpare();
            }
            else
            {
                // A failure of the background preparation surfaces here, on the append path, where it stops the store.
                var task = preparing;
                preparing = null;
                task.GetAwaiter().GetResult();
            }

            fileSystem.Rename(SparePath, path);
        }

        PrepareAhead();
        return fileSystem.OpenFile(path, FileMode.Open);
    }

    /// <summary>
    /// Renames the file of an obsolete segment (entries all covered by the snapshot) aside for reuse, if it is a full-size
    /// preallocated file and fewer than <see cref="MaxRecycled"/> are waiting; false if the caller should delete it instead.
    /// The rename becomes durable when the caller syncs the directory. A crash part-way leaves the file under either name:
    /// under the old one it is still a valid segment that replays below the snapshot; under the new one it is removed on open.
    /// </summary>
    public bool TryRecycle(string segmentPath, long length)
    {
        if (!preallocate || length < segmentSize || recycled.Count >= MaxRecycled)
        {
            return false;
        }

        var path = Path.Combine(directory, $"{RecycledPrefix}{++recycledNames}{TemporaryExtension}");
        fileSystem.Rename(segmentPath, path);
        recycled.Enqueue(path);
        return true;
    }

    public void Dispose()
    {
        // An unfinished spare is of no use to anyone: stop writing it (the next open removes it) rather than wait.
        closing.Cancel();
        try
        {
            preparing?.GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // Whatever went wrong with the spare, nothing depends on it: the next open removes it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        closing.Dispose();
    }

    /// <summary>Writes zeros over <c>[from, to)</c> of <paramref name="file"/>.</summary>
    public static void WriteZeros(IFile file, long from, long to)
    {
        for (var offset = from; offset < to; offset += Zeros.Length)
        {
            file.Write(offset, Zeros.AsSpan(0, (int)Math.Min(Zeros.Length, to - offset)));
        }
    }

    private void PrepareSpare()
    {
        if (fileSystem.FileExists(SparePath))
        {
            fileSystem.DeleteFile(SparePath);
        }

        // Synced a few MiB at a time rather than all at the end, so that the device is never handed one 64 MiB flush
        // that the log's own small flushes would queue behind.
        using var file = fileSystem.OpenFile(SparePath, FileMode.CreateNew);
        const long Step = 4 << 20;
        for (long offset = 0; offset < segmentSize; offset += Step)
        {
            closing.Token.ThrowIfCancellationRequested();
            WriteZeros(file, offset, Math.Min(segmentSize, offset + Step));
            if (sync)
            {
                file.Sync();
            }
        }

        Interlocked.Increment(ref sparesPrepared);
    }
}
