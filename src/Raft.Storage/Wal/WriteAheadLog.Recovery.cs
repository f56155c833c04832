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

            replay.Scan(segments[i], isLast: i == segments.Count - 1, buffer);
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

        public void Scan(WalSegment segment, bool isLast, byte[] buffer)
        {
            var length = segment.File.Length;
            var reader = new WalReader(segment.File, length, buffer, reuseBuffer: true);
            long offset = 0;
            while (reader.TryRead(offset, out var header, out var payload))
            {
                Apply(segment, offset, header, payload.Span);
                offset += header.Size;
            }

            segment.End = offset;
            report.SegmentsScanned++;
            report.BytesScanned += offset;
            if (offset < length)
            {
                InspectTail(segment, offset, length, isLast);
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
                case WalRecordKind.SegmentStart when header.Index != segment.Sequence || !payload.SequenceEqual(WalRecord.SegmentMagic):
                    throw log.Corruption(segment.Path, offset, $"the segment start names sequence {header.Index}, not {segment.Sequence}");
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
                case WalRecordKind.SegmentStart:
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

        // What follows the last intact record of a segment: zeros (the clean, preallocated end), a torn last write, or damage.
        private void InspectTail(WalSegment segment, long from, long length, bool isLast)
        {
            var tail = log.ReadTail(segment.File, from, length);
            if (tail.LastNonZero < 0)
            {
                return;
            }

            if (!isLast)
            {
                throw log.Corruption(segment.Path, from, "the record here is damaged (invalid header or checksum mismatch) in a segment that was complete");
            }

            if (tail.LaterWrite is { } later)
            {
                throw log.Corruption(segment.Path, from, $"the record here is damaged (invalid header or checksum mismatch), yet an intact record of a later acknowledged write follows at offset {later}");
            }

            // A crash tore the last write, which was therefore never acknowledged: discard what is left of it, so that a later
            // write that ends before it cannot make its remains look like records.
            log.Zero(segment, from, tail.LastNonZero + 1);
            report.TornWriteFile = segment.Path;
            report.TornWriteOffset = from;
        }
    }

    /// <summary>
    /// Scans the bytes after the last intact record at <paramref name="from"/>: where the last non-zero byte is, and whether
    /// an intact record there belongs to a write that began after <paramref name="from"/>, which proves that the damaged
    /// write had been followed by another one and so had been acknowledged.
    /// </summary>
    private (long LastNonZero, long? LaterWrite) ReadTail(IFile file, long from, long length)
    {
        long lastNonZero = -1;
        long? laterWrite = null;
        var chunk = new byte[1 << 20];
        var reader = new WalReader(file, length, new byte[1 << 16], reuseBuffer: true);
        for (var start = from; start < length; start += chunk.Length)
        {
            var read = file.Read(start, chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - start)));
            var bytes = chunk.AsSpan(0, read);
            var last = bytes.LastIndexOfAnyExcept((byte)0);
            if (last < 0)
            {
                continue;
            }

            lastNonZero = start + last;
            // Records start at multiples of 8; most candidates are rejected by their kind byte without a read.
            for (var offset = Math.Max(from + 8, (start + 7) & ~7L); offset < start + read && laterWrite is null; offset += 8)
            {
                var kindAt = offset - start + 8;
                if ((kindAt >= read || chunk[kindAt] != 0) && reader.TryRead(offset, out var header, out _) && offset - header.BatchOffset > from)
                {
                    laterWrite = offset;
                }
            }
        }

        return (lastNonZero, laterWrite);
    }

    private void Zero(WalSegment segment, long from, long to)
    {
        SegmentAllocator.WriteZeros(segment.File, from, to);
        Sync(segment.File);
    }
}
