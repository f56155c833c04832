using System.Globalization;
using Raft.Storage.IO;

namespace Raft.Storage.Wal;

/// <summary>
/// One segment file of the write-ahead log and what the log knows about it. The entry records of a segment always form
/// one contiguous run of indexes (the log starts a new segment whenever it replaces a suffix or installs a snapshot), so
/// where an entry lives is found from a sparse list of checkpoints rather than an index per entry: memory grows by one
/// checkpoint per <see cref="CheckpointEntries"/> entries or <see cref="CheckpointBytes"/> bytes.
/// </summary>
internal sealed class WalSegment(ulong sequence, string path, IFile file) : IDisposable
{
    public const string Extension = ".wal";
    private const int CheckpointEntries = 64;
    private const int CheckpointBytes = 256 << 10;

    private readonly List<(ulong Index, long Offset)> checkpoints = [];

    public ulong Sequence { get; } = sequence;

    public string Path { get; } = path;

    public IFile File { get; } = file;

    /// <summary>Bytes of intact records: where the next write goes. 0 means the segment start has not been written yet.</summary>
    public long End { get; set; }

    /// <summary>
    /// Whether the file is a recycled segment: bytes after <see cref="End"/> may be stale records of its earlier life rather
    /// than zeros. Said by the segment start record.
    /// </summary>
    public bool Recycled { get; set; }

    /// <summary>Whether the segment ends with its <see cref="WalRecordKind.SegmentEnd"/> record: nothing more is written to it.</summary>
    public bool Sealed { get; set; }

    /// <summary>Index of the first entry record, or 0 when the segment holds none.</summary>
    public ulong FirstIndex { get; private set; }

    /// <summary>Index of the last entry record written to this segment.</summary>
    public ulong LastWritten { get; private set; }

    /// <summary>Last entry of this segment that is still part of the log: later ones were replaced by a later segment.</summary>
    public ulong LastLive { get; private set; }

    public bool HasEntries => FirstIndex != 0;

    /// <summary>Whether entry <paramref name="index"/> of the log is read from this segment.</summary>
    public bool Holds(ulong index) => HasEntries && index >= FirstIndex && index <= LastLive;

    public static string FileName(ulong sequence, ulong firstIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{sequence:D16}-{firstIndex:D16}{Extension}");

    /// <summary>Parses a segment file name into its sequence number; false for other files.</summary>
    public static bool TryParseName(string name, out ulong sequence)
    {
        sequence = 0;
        if (!name.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = name[..^Extension.Length].Split('-');
        return parts.Length == 2
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>Records that the entry <paramref name="index"/> is at byte <paramref name="offset"/>; entries arrive in order.</summary>
    public void AddEntry(ulong index, long offset)
    {
        if (!HasEntries)
        {
            FirstIndex = index;
        }

        if (checkpoints.Count == 0 || index - checkpoints[^1].Index >= CheckpointEntries || offset - checkpoints[^1].Offset >= CheckpointBytes)
        {
            checkpoints.Add((index, offset));
        }

        LastWritten = index;
        LastLive = index;
    }

    /// <summary>The log no longer takes entries after <paramref name="index"/> from this segment.</summary>
    public void CutAfter(ulong index)
    {
        if (!HasEntries || index >= LastLive)
        {
            return;
        }

        // LastLive below FirstIndex marks a segment with nothing live, which compaction may delete.
        LastLive = Math.Max(index, FirstIndex - 1);
        var keep = checkpoints.FindLastIndex(checkpoint => checkpoint.Index <= LastLive) + 1;
        checkpoints.RemoveRange(keep, checkpoints.Count - keep);
    }

    /// <summary>Whether nothing in this segment is live at or after <paramref name="firstIndex"/> (the log's first index).</summary>
    public bool IsObsolete(ulong firstIndex) => !HasEntries || LastLive < firstIndex || LastLive < FirstIndex;

    /// <summary>Offset of a record at or before entry <paramref name="index"/> from which a forward read reaches it.</summary>
    public long SeekOffset(ulong index)
    {
        int low = 0, high = checkpoints.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (checkpoints[middle].Index <= index)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return checkpoints[low].Offset;
    }

    public void Dispose() => File.Dispose();
}
