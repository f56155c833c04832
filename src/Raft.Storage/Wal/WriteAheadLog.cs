using System.Buffers;
using Raft.Core;
using Raft.Storage.IO;

namespace Raft.Storage.Wal;

/// <summary>
/// The log and hard state on disk: a directory of segment files of records (<see cref="WalRecord"/>), appended to in
/// batches of one write and one fsync each.
/// <para>
/// Nothing is ever overwritten in place. A suffix of the log is replaced by writing the new entries into a new segment,
/// and a snapshot installation by a <see cref="WalRecordKind.SnapshotInstalled"/> record at the start of a new segment;
/// replaying the segments in order rebuilds the same log, because a later entry record for an index replaces that index
/// and everything after it. Every segment begins with the hard state in force when it was started, so deleting old
/// segments never loses the hard state.
/// </para>
/// <para>
/// Moving on to a new segment (rolling) first seals the old one with a <see cref="WalRecordKind.SegmentEnd"/> record,
/// synced before the new segment's file gets its name, so that recovery knows every segment but the last to be complete
/// and ignores what follows a seal. Compaction hands the files of obsolete segments to the <see cref="SegmentAllocator"/>
/// for reuse rather than deleting them: a recycled file keeps its full size and its old bytes, which its seal and the
/// checksum salt (the segment's sequence number) keep from being read as part of the new segment. Each save still costs one
/// write and one fsync; a roll adds the seal's write and fsync.
/// </para>
/// <para>
/// In memory it keeps only what makes reads cheap: the term history, a few checkpoints per segment and the
/// <see cref="EntryCache"/> of recent entries; memory does not grow with the length of the log beyond the checkpoints.
/// </para>
/// </summary>
internal sealed partial class WriteAheadLog : IDisposable
{
    private readonly IFileSystem fileSystem;
    private readonly string directory;
    private readonly string dataDirectory;
    private readonly FileLogStoreOptions options;
    private readonly SegmentAllocator allocator;
    private readonly List<WalSegment> segments = [];
    private readonly TermHistory terms = new();
    private readonly EntryCache cache;
    private ulong nextSequence = 1;

    private WriteAheadLog(IFileSystem fileSystem, string directory, string dataDirectory, FileLogStoreOptions options)
    {
        this.fileSystem = fileSystem;
        this.directory = directory;
        this.dataDirectory = dataDirectory;
        this.options = options;
        cache = new EntryCache(options.EntryCacheSize);
        allocator = new SegmentAllocator(fileSystem, directory, options.SegmentSize, options.PreallocateSegments, options.PrepareSegmentsInBackground, !options.UnsafeNoFsync);
    }

    public ulong FirstIndex { get; private set; } = 1;

    public ulong LastIndex { get; private set; }

    public HardState HardState { get; private set; }

    /// <summary>Bytes of entries held in the cache.</summary>
    public long CachedBytes => cache.Bytes;

    public int SegmentCount => segments.Count;

    private WalSegment Active => segments[^1];

    /// <summary>Opens the log in <paramref name="directory"/>, replaying it on top of <paramref name="snapshot"/> (the latest durable one).</summary>
    public static WriteAheadLog Open(IFileSystem fileSystem, string directory, string dataDirectory, FileLogStoreOptions options, SnapshotMetadata snapshot, RecoveryReport report)
    {
        var log = new WriteAheadLog(fileSystem, directory, dataDirectory, options);
        try
        {
            log.Recover(snapshot, report);
            return log;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    public ulong Term(ulong index)
    {
        if (index + 1 < FirstIndex || index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The log holds terms for [{FirstIndex - 1}, {LastIndex}].");
        }

        return terms.Term(index);
    }

    /// <summary>Appends entries (replacing the suffix from the first one on, if it is not past the end) and then the hard state, durably, with one write.</summary>
    public void Append(HardState? hardState, ReadOnlySpan<LogEntry> entries)
    {
        var replaces = !entries.IsEmpty && entries[0].Index <= LastIndex;
        long total = hardState is null ? 0 : WalRecord.HardStateSize;
        foreach (var entry in entries)
        {
            total += WalRecord.SizeOf(entry.Data.Length);
        }

        var startSize = WalRecord.SegmentStartSize + WalRecord.HardStateSize;
        if (total > Array.MaxLength - startSize)
        {
            throw new ArgumentException($"A batch of {total} bytes is too large for one write.", nameof(entries));
        }

        var size = (int)total;

        // A segment holds one contiguous run of entries, so a replaced suffix starts a new one (the old records stay
        // behind, superseded); so does a full segment (room is kept for its seal), and a sealed one that recovery found.
        if (segments.Count == 0 || Active.Sealed || (replaces && Active.HasEntries)
            || (Active.End > startSize && Active.End + size + WalRecord.SegmentEndSize > options.SegmentSize))
        {
            Roll(entries.IsEmpty ? LastIndex + 1 : entries[0].Index);
        }

        var segment = Active;
        var starting = segment.End == 0;
        size += starting ? startSize : 0;

        // One buffer, one write: copying the payloads costs less than a gathered write of thousands of pieces.
        var batch = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var span = batch.AsSpan(0, size);
            var at = starting ? WriteStart(span, segment) : 0;
            foreach (var entry in entries)
            {
                at += WalRecord.Write(span[at..], segment.Sequence, WalRecordKind.Entry, entry.Type, at, entry.Index, entry.Term, entry.Data.Span);
            }

            if (hardState is { } state)
            {
                WalRecord.WriteHardState(span[at..], segment.Sequence, at, state);
            }

            Write(segment, span, rolled: starting);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }

        // Durable: only now does the log in memory change, so a failed write leaves it as it was.
        if (replaces)
        {
            TruncateAfter(entries[0].Index - 1);
        }

        var offset = segment.End + (starting ? startSize : 0);
        foreach (var entry in entries)
        {
            segment.AddEntry(entry.Index, offset);
            terms.Append(entry.Index, entry.Term);
            cache.Append(entry);
            offset += WalRecord.SizeOf(entry.Data.Length);
        }

        segment.End += size;
        if (!entries.IsEmpty)
        {
            LastIndex = entries[^1].Index;
        }

        if (hardState is { } saved)
        {
            HardState = saved;
        }
    }

    /// <summary>Durably replaces the whole log by the snapshot described by <paramref name="snapshot"/>.</summary>
    public void Reset(SnapshotMetadata snapshot)
    {
        // The record goes at the start of a fresh segment, so that the entries after it form that segment's one run.
        if (segments.Count == 0 || Active.HasEntries || Active.Sealed)
        {
            Roll(snapshot.Index + 1);
        }

        var segment = Active;
        var starting = segment.End == 0;
        var size = (starting ? WalRecord.SegmentStartSize + WalRecord.HardStateSize : 0) + WalRecord.SizeOf(0);
        var span = new byte[size].AsSpan();
        var at = starting ? WriteStart(span, segment) : 0;
        WalRecord.Write(span[at..], segment.Sequence, WalRecordKind.SnapshotInstalled, EntryType.Command, at, snapshot.Index, snapshot.Term, []);
        Write(segment, span, rolled: starting);

        segment.End += size;
        foreach (var each in segments)
        {
            each.CutAfter(0);
        }

        terms.Reset(snapshot.Index, snapshot.Term);
        cache.Clear(snapshot.Index + 1);
        FirstIndex = snapshot.Index + 1;
        LastIndex = snapshot.Index;
    }

    /// <summary>
    /// Forgets entries up to <paramref name="index"/> (covered by a durable snapshot) and removes the segments that hold
    /// nothing else, oldest last, so that a crash part-way leaves segments that still replay to the same log. Removing
    /// means recycling the file for a later segment where the allocator takes it (see <see cref="SegmentAllocator.TryRecycle"/>),
    /// deleting it otherwise; either is durable once the directory is synced, before this returns and so before a recycled
    /// file can be written again.
    /// </summary>
    public void Compact(ulong index)
    {
        if (index >= FirstIndex)
        {
            terms.CompactTo(index, Term(index));
            cache.DropBefore(index + 1);
            FirstIndex = index + 1;
        }

        var obsolete = 0;
        while (obsolete < segments.Count - 1 && segments[obsolete].IsObsolete(index + 1))
        {
            obsolete++;
        }

        if (obsolete == 0)
        {
            return;
        }

        for (var i = obsolete - 1; i >= 0; i--)
        {
            var segment = segments[i];
            var length = segment.File.Length;
            segment.Dispose();
            if (!allocator.TryRecycle(segment.Path, length))
            {
                fileSystem.DeleteFile(segment.Path);
            }
        }

        segments.RemoveRange(0, obsolete);
        SyncDirectory();
    }

    public void GetEntries(ulong fromIndex, ulong toIndex, long maxBytes, List<LogEntry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (fromIndex < FirstIndex || toIndex > LastIndex + 1 || fromIndex > toIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(fromIndex), $"[{fromIndex}, {toIndex}) is outside [{FirstIndex}, {LastIndex + 1}).");
        }

        var budget = new EntryBudget(fromIndex, maxBytes);
        var index = fromIndex;
        while (index < toIndex)
        {
            if (cache.TryGet(index, out var entry))
            {
                if (!budget.TryAdd(entry, into))
                {
                    return;
                }

                index++;
            }
            else
            {
                var stop = index < cache.FirstIndex ? Math.Min(toIndex, cache.FirstIndex) : toIndex;
                if (!ReadFromDisk(ref index, stop, maxBytes, ref budget, into))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Waits for background preparation of the next segment.</summary>
    public void WaitForBackgroundWork() => allocator.WaitForSpare();

    /// <summary>Segment files this log has taken from recycled segments, and zero-filled spares it has had written, since it was opened.</summary>
    public (int Recycled, int ZeroFilled) SegmentFiles => (allocator.RecycledUsed, allocator.SparesPrepared);

    public void Dispose()
    {
        allocator.Dispose();
        foreach (var segment in segments)
        {
            segment.Dispose();
        }
    }

    // Entries [index, stop) come from segment files; false once the byte budget is spent.
    private bool ReadFromDisk(ref ulong index, ulong stop, long maxBytes, ref EntryBudget budget, List<LogEntry> into)
    {
        while (index < stop)
        {
            var wanted = index;
            var segment = segments.FindLast(each => each.Holds(wanted))
                ?? throw new InvalidOperationException($"No segment holds entry {index} of [{FirstIndex}, {LastIndex}].");
            var end = Math.Min(stop, segment.LastLive + 1);
            var offset = segment.SeekOffset(index);
            var window = (int)Math.Min(segment.End - offset, Math.Clamp(maxBytes, 4 << 10, 64 << 10));
            var reader = new WalReader(segment.File, segment.End, new byte[window], reuseBuffer: false, segment.Sequence);
            while (index < end)
            {
                if (!reader.TryRead(offset, out var header, out var payload))
                {
                    throw Corruption(segment.Path, offset, $"the record read for entry {index} is damaged (checksum mismatch)");
                }

                if (header.Kind == WalRecordKind.Entry && header.Index >= index)
                {
                    if (header.Index != index)
                    {
                        throw Corruption(segment.Path, offset, $"entry {header.Index} is where entry {index} should be");
                    }

                    if (!budget.TryAdd(new LogEntry(index, header.Term, header.EntryType, payload), into))
                    {
                        return false;
                    }

                    index++;
                }

                offset += header.Size;
            }
        }

        return true;
    }

    private void TruncateAfter(ulong index)
    {
        foreach (var segment in segments)
        {
            segment.CutAfter(index);
        }

        terms.TruncateAfter(index);
        cache.TruncateAfter(index);
        LastIndex = index;
    }

    // Seals the active segment and starts the next one; its first write will carry the segment start and hard state.
    private void Roll(ulong firstIndex)
    {
        if (segments.Count > 0 && !Active.Sealed)
        {
            Seal(Active);
        }

        var sequence = nextSequence++;
        var path = Path.Combine(directory, WalSegment.FileName(sequence, firstIndex));
        var file = allocator.Create(path, out var recycled);
        segments.Add(new WalSegment(sequence, path, file) { Recycled = recycled });
    }

    // The seal is durable before the next segment's file is renamed or created, so a segment that has a successor on disk
    // always ends with it: recovery can then refuse a segment without one as damaged, and ignore whatever follows one. The
    // preallocated tail after it stays, so that the file can be recycled at full size.
    private void Seal(WalSegment segment)
    {
        Span<byte> seal = stackalloc byte[WalRecord.SegmentEndSize];
        WalRecord.WriteSegmentEnd(seal, segment.Sequence);
        segment.File.Write(segment.End, seal);
        Sync(segment.File);
        segment.End += seal.Length;
        segment.Sealed = true;
    }

    // The records every segment begins with: its start, and the hard state in force, so that deleting older segments
    // can never lose the hard state.
    private int WriteStart(Span<byte> span, WalSegment segment)
    {
        var at = WalRecord.WriteSegmentStart(span, segment.Sequence, segment.Recycled);
        return at + WalRecord.WriteHardState(span[at..], segment.Sequence, at, HardState);
    }

    private void Write(WalSegment segment, ReadOnlySpan<byte> batch, bool rolled)
    {
        segment.File.Write(segment.End, batch);
        Sync(segment.File);
        if (rolled)
        {
            // The segment's name (created or renamed) must survive a crash as surely as its contents.
            SyncDirectory();
        }
    }

    private void Sync(IFile file)
    {
        if (!options.UnsafeNoFsync)
        {
            file.Sync();
        }
    }

    private void SyncDirectory()
    {
        if (!options.UnsafeNoFsync)
        {
            fileSystem.SyncDirectory(directory);
        }
    }

    private StorageCorruptionException Corruption(string path, long offset, string problem) => new(path, offset, problem, dataDirectory);

    /// <summary>Limits a read of entries to a byte budget, always letting the first entry through.</summary>
    private struct EntryBudget(ulong fromIndex, long maxBytes)
    {
        private long bytes;

        public bool TryAdd(LogEntry entry, List<LogEntry> into)
        {
            bytes += entry.Size;
            if (bytes > maxBytes && entry.Index > fromIndex)
            {
                return false;
            }

            into.Add(entry);
            return true;
        }
    }
}
