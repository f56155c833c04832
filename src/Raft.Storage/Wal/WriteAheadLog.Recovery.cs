using Raft.Core;
using Raft.Storage.IO;

namespace Raft.Storage.Wal;

/// <summary>Recovery: how the log is rebuilt from its segments when it is opened, and what it repairs on the way.</summary>
internal sealed partial class WriteAheadLog
{
    // Recovery reads segments through one reused buffer this large: memory for recovery does not grow with the log.
    private const int RecoveryBufferSize = 4 << 20;

    private void Recover(SnapshotMetadata snapshot, RecoveryReport report)
    {
        var files = new List<(ulong Sequence, string Name)>();
        foreach (var name in fileSystem.GetFileNames(directory))
        {
            if (name.EndsWith(SegmentAllocator.TemporaryExtension, StringComparison.Ordinal))
            {
                fileSystem.DeleteFile(Path.Combine(directory, name));
                report.TemporaryFilesRemoved++;
            }
            else if (WalSegment.TryParseName(name, out var sequence))
            {
                files.Add((sequence, name));
            }
            else if (name.EndsWith(WalSegment.Extension, StringComparison.Ordinal))
            {
                throw Corruption(Path.Combine(directory, name), 0, "the name of this segment file is not one the log writes");
            }
        }

        files.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var replay = new Replay(this, snapshot, report);
        var buffer = new byte[RecoveryBufferSize];
        foreach (var (sequence, name) in files)
        {
            var path = Path.Combine(directory, name);
            segments.Add(new WalSegment(sequence, path, fileSystem.OpenFile(path, FileMode.Open)));
            nextSequence = sequence + 1;
        }

        for (var i = 0; i < segments.Count; i++)
        {
            // The disk reads the next segment while this one is checksummed, instead of waiting for each read in turn.
            if (i == 0)
            {
                segments[0].File.Prefetch(0, segments[0].File.Length);
            }

            if (i + 1 < segments.Count)
            {
                segments[i + 1].File.Prefetch(0, segments[i + 1].File.Length);
            }

            replay.Scan(segments[i], isLast: i == segments.Count - 1, oldestSequence: segments[0].Sequence, buffer);
        }

        replay.Finish();
        allocator.PrepareAhead();
    }

    /// <summary>
    /// Rebuilds the log in memory from the segments, verifying every record, and repairs what a crash can leave behind:
    /// a torn last write and an unfinished snapshot installation. Anything else that is wrong is corruption.
    /// </summary>
    private sealed class Replay(WriteAheadLog log, SnapshotMetadata snapshot, RecoveryReport report)
    {
        // A SnapshotInstalled record whose snapshot never became durable: the installation did not finish.
        private (WalSegment Segment, long Offset)? unfinishedInstall;

        public void Scan(WalSegment segment, bool isLast, ulong oldestSequence, byte[] buffer)
        {
            var length = segment.File.Length;
            var reader = new WalReader(segment.File, length, buffer, reuseBuffer: true, segment.Sequence);
            long offset = 0;

            // A seal ends the segment: what follows it is stale data of a recycled file's earlier life, or zeros.
            while (!segment.Sealed && reader.TryRead(offset, out var header, out var payload))
            {
                Apply(segment, offset, header, payload.Span);
                offset += header.Size;
            }

            segment.End = offset;
            report.SegmentsScanned++;
            report.BytesScanned += offset;
            if (segment.Sealed)
            {
                return;
            }

            if (offset == 0 && log.StaleStart(segment) is { } stale)
            {
                // The file begins with the intact start of another segment: either a recycled file that a crash left
                // before its first write landed, or a segment file under the wrong name. The first happens only to the
                // last segment, and leaves an older segment in place (the one it was to follow, which compaction cannot
                // have removed before the first write) whose sequence is above the stale one: compaction recycles the
                // oldest segments only, so every segment it keeps, and every later one, is newer than a recycled file's.
                if (!isLast || oldestSequence == segment.Sequence || stale >= oldestSequence)
                {
                    throw log.Corruption(segment.Path, 0, $"the segment start names sequence {stale}, not {segment.Sequence}");
                }

                segment.Recycled = true;
            }

            if (!isLast)
            {
                throw log.Corruption(segment.Path, offset, offset == 0
                    ? "the segment does not begin with an intact segment start record"
                    : "the record here is damaged (invalid header or checksum mismatch) in a segment that was complete (it is not the last one, yet it has no seal)");
            }

            if (offset < length)
            {
                InspectTail(segment, offset, length);
            }
        }

        public void Finish()
        {
            if (unfinishedInstall is { } install)
            {
                // The log stays as it was before the installation, which never returned to its caller.
                log.Zero(install.Segment, install.Offset, install.Segment.End);
                install.Segment.End = install.Offset;
                report.SnapshotInstallRolledBack = true;
            }

            if (log.LastIndex <= snapshot.Index)
            {
                foreach (var segment in log.segments)
                {
                    segment.CutAfter(snapshot.Index);
                }

                log.terms.Reset(snapshot.Index, snapshot.Term);
                log.LastIndex = snapshot.Index;
            }
            else
            {
                log.terms.CompactTo(snapshot.Index, snapshot.Term);
            }

            log.FirstIndex = snapshot.Index + 1;
            log.cache.Clear(log.LastIndex + 1);
            if (log.HardState.Commit > log.LastIndex)
            {
                throw log.Corruption(log.segments[^1].Path, 0, $"the hard state commits entry {log.HardState.Commit} but the log ends at {log.LastIndex}");
            }
        }

        private void Apply(WalSegment segment, long offset, in WalRecordHeader header, ReadOnlySpan<byte> payload)
        {
            if ((offset == 0) != (header.Kind == WalRecordKind.SegmentStart))
            {
                throw log.Corruption(segment.Path, offset, offset == 0 ? "the segment does not begin with a segment start record" : "a segment start record in the middle of a segment");
            }

            if (unfinishedInstall is { } install)
            {
                throw log.Corruption(segment.Path, offset, $"records follow the unfinished snapshot installation at {install.Segment.Path}:{install.Offset}");
            }

            switch (header.Kind)
            {
                case WalRecordKind.SegmentStart when header.Index != segment.Sequence:
                    throw log.Corruption(segment.Path, offset, $"the segment start names sequence {header.Index}, not {segment.Sequence}");
                case WalRecordKind.SegmentStart:
                    segment.Recycled = WalRecord.TryReadSegmentStart(payload, out var recycled)
                        ? recycled
                        : throw log.Corruption(segment.Path, offset, "the segment start is not one this format writes (magic or flags)");
                    break;
                case WalRecordKind.SegmentEnd when header.PayloadLength == 0:
                    segment.Sealed = true;
                    break;
                case WalRecordKind.HardState when payload.Length == 24:
                    log.HardState = WalRecord.ReadHardState(payload);
                    break;
                case WalRecordKind.Entry:
                    ApplyEntry(segment, offset, header);
                    break;
                case WalRecordKind.SnapshotInstalled when header.Index > snapshot.Index:
                    unfinishedInstall = (segment, offset);
                    break;
                case WalRecordKind.SnapshotInstalled when !segment.HasEntries:
                    foreach (var each in log.segments)
                    {
                        each.CutAfter(0);
                    }

                    log.terms.Reset(header.Index, header.Term);
                    log.LastIndex = header.Index;
                    break;
                default:
                    throw log.Corruption(segment.Path, offset, $"a {header.Kind} record that cannot be here");
            }
        }

        private void ApplyEntry(WalSegment segment, long offset, in WalRecordHeader header)
        {
            var index = header.Index;
            if (segment.HasEntries && index != segment.LastWritten + 1)
            {
                throw log.Corruption(segment.Path, offset, $"entry {index} follows entry {segment.LastWritten} in the same segment");
            }

            if (index <= log.LastIndex)
            {
                log.TruncateAfter(index - 1);
            }
            else if (index > log.LastIndex + 1 && index - 1 > snapshot.Index)
            {
                // A gap is only allowed where the snapshot covers it (segments before it were compacted away).
                throw log.Corruption(segment.Path, offset, $"entries {log.LastIndex + 1} to {index - 1} are missing before entry {index}");
            }

            segment.AddEntry(index, offset);
            log.terms.Append(index, header.Term);
            log.LastIndex = index;
            report.EntriesScanned++;
        }

        // What follows the last intact record of the last segment. In a fresh (zero-filled) segment: zeros (the clean
        // end), or the remains of a torn last write, or damage. In a recycled one, stale records of the file's earlier life
        // are the normal end: only intact records of this segment (its checksum salt) can be remains of a torn write.
        private void InspectTail(WalSegment segment, long from, long length)
        {
            var tail = log.ReadTail(segment, from, length);
            if (tail.LaterWrite is { } later)
            {
                throw log.Corruption(segment.Path, from, $"the record here is damaged (invalid header or checksum mismatch), yet an intact record of a later acknowledged write follows at offset {later}");
            }

            // Whatever is discarded is zeroed, so that a later write that ends before it cannot make its remains look like records.
            var discard = segment.Recycled ? tail.IntactEnd : tail.LastNonZero + 1;
            if (discard <= from)
            {
                return;
            }

            // A crash tore the last write, which was therefore never acknowledged: discard what is left of it.
            log.Zero(segment, from, discard);
            report.TornWriteFile = segment.Path;
            report.TornWriteOffset = from;
        }
    }

    /// <summary>
    /// Scans the bytes after the last intact record at <paramref name="from"/>: where the last non-zero byte is, where the
    /// last record that is intact for this segment ends, and whether such a record belongs to a write that began after
    /// <paramref name="from"/>, which proves that the damaged write had been followed by another one and so had been acknowledged.
    /// </summary>
    private (long LastNonZero, long IntactEnd, long? LaterWrite) ReadTail(WalSegment segment, long from, long length)
    {
        var file = segment.File;
        long lastNonZero = -1;
        var intactEnd = from;
        long? laterWrite = null;
        var chunk = new byte[1 << 20];
        var reader = new WalReader(file, length, new byte[1 << 16], reuseBuffer: true, segment.Sequence);
        for (var start = from; start < length && laterWrite is null; start += chunk.Length)
        {
            var read = file.Read(start, chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - start)));
            var bytes = chunk.AsSpan(0, read);
            var last = bytes.LastIndexOfAnyExcept((byte)0);
            if (last < 0)
            {
                continue;
            }

            lastNonZero = start + last;
            // Records start at multiples of 8; most candidates (zeros, stale payload bytes) are rejected by their kind and
            // reserved bytes in the chunk, without asking the reader.
            for (var offset = Math.Max(from + 8, (start + 7) & ~7L); offset < start + read && laterWrite is null; offset += 8)
            {
                var at = (int)(offset - start);
                if ((at + 12 > read || WalRecord.MayStartHeader(bytes[at..])) && reader.TryRead(offset, out var header, out _))
                {
                    if (offset - header.BatchOffset > from)
                    {
                        laterWrite = offset;
                    }

                    intactEnd = Math.Max(intactEnd, offset + header.Size);
                }
            }
        }

        return (lastNonZero, intactEnd, laterWrite);
    }

    /// <summary>
    /// The sequence number named by an intact segment start record (checked with its own salt) at the beginning of a
    /// segment whose own start is missing, or null: tells a recycled file that a crash left before its first write
    /// landed, or a misnamed file, from a torn first write.
    /// </summary>
    private ulong? StaleStart(WalSegment segment)
    {
        var bytes = new byte[WalRecord.SegmentStartSize];
        if (segment.File.Read(0, bytes) < bytes.Length
            || !WalRecord.TryReadHeader(bytes, bytes.Length, out var header)
            || header.Kind != WalRecordKind.SegmentStart
            || header.Index == segment.Sequence
            || header.Size != bytes.Length
            || !WalRecord.IsIntact(bytes, header.PayloadLength, header.Index)
            || !WalRecord.TryReadSegmentStart(bytes.AsSpan(WalRecord.HeaderSize, header.PayloadLength), out _))
        {
            return null;
        }

        return header.Index;
    }

    private void Zero(WalSegment segment, long from, long to)
    {
        SegmentAllocator.WriteZeros(segment.File, from, to);
        Sync(segment.File);
    }
}
