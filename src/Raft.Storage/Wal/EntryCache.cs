using Raft.Core;

namespace Raft.Storage.Wal;

/// <summary>
/// The most recent entries of the log, in memory up to a byte budget, so that replication of fresh entries never reads
/// the disk. The cached range is always a suffix of what was appended: [<see cref="FirstIndex"/>, last appended].
/// Entries share the immutable buffers their records were written from (<see cref="Allocate"/>), so caching copies nothing.
/// </summary>
internal sealed class EntryCache(long capacityBytes)
{
    // What an entry costs beyond its payload: its slot here and its record header.
    private const int Overhead = 40 + WalRecord.HeaderSize;

    // Its length is always a power of two (64, doubled when full), so a slot is found with a mask, not a division: the
    // cache is updated for every entry appended, and divisions showed in the bandwidth of large batches.
    private LogEntry[] ring = new LogEntry[64];
    private int head;
    private int count;
    private long bytes;

    /// <summary>First cached index; equal to the next index to append when the cache is empty.</summary>
    public ulong FirstIndex { get; private set; } = 1;

    public long Bytes => bytes;

    public bool TryGet(ulong index, out LogEntry entry)
    {
        if (index < FirstIndex || index >= FirstIndex + (ulong)count)
        {
            entry = default;
            return false;
        }

        entry = ring[(head + (int)(index - FirstIndex)) & (ring.Length - 1)];
        return true;
    }

    /// <summary>Adds the entry after the last cached one (or restarts the cache there if it does not follow).</summary>
    public void Append(LogEntry entry)
    {
        if (entry.Index != FirstIndex + (ulong)count)
        {
            Clear(entry.Index);
        }

        var size = entry.Data.Length + Overhead;
        if (size > capacityBytes)
        {
            Clear(entry.Index + 1);
            return;
        }

        if (count == ring.Length)
        {
            var larger = new LogEntry[ring.Length * 2];
            for (var i = 0; i < count; i++)
            {
                larger[i] = ring[(head + i) & (ring.Length - 1)];
            }

            ring = larger;
            head = 0;
        }

        ring[(head + count) & (ring.Length - 1)] = entry;
        count++;
        bytes += size;
        while (bytes > capacityBytes)
        {
            RemoveFirst();
        }
    }

    /// <summary>Drops cached entries after <paramref name="index"/> (a replaced suffix).</summary>
    public void TruncateAfter(ulong index)
    {
        while (count > 0 && FirstIndex + (ulong)count - 1 > index)
        {
            count--;
            var slot = (head + count) & (ring.Length - 1);
            bytes -= ring[slot].Data.Length + Overhead;
            ring[slot] = default;
        }

        if (count == 0 && FirstIndex > index + 1)
        {
            FirstIndex = index + 1;
        }
    }

    /// <summary>Drops cached entries before <paramref name="index"/> (compaction).</summary>
    public void DropBefore(ulong index)
    {
        while (count > 0 && FirstIndex < index)
        {
            RemoveFirst();
        }

        if (count == 0 && FirstIndex < index)
        {
            FirstIndex = index;
        }
    }

    /// <summary>Empties the cache; the next entry appended will be <paramref name="nextIndex"/>.</summary>
    public void Clear(ulong nextIndex)
    {
        Array.Clear(ring);
        head = 0;
        count = 0;
        bytes = 0;
        FirstIndex = nextIndex;
    }

    private void RemoveFirst()
    {
        bytes -= ring[head].Data.Length + Overhead;
        ring[head] = default;
        head = (head + 1) & (ring.Length - 1);
        count--;
        FirstIndex++;
    }
}
