namespace Raft.Core;

/// <summary>
/// The AppendEntries sent to one follower and not yet acknowledged, bounded by count and by bytes, as a ring buffer.
/// Each slot records the last index a message carried and its size; an acknowledgement frees every slot up to its index.
/// </summary>
internal sealed class Inflights(int maxCount, long maxBytes)
{
    private readonly ulong[] lastIndexes = new ulong[maxCount];
    private readonly long[] sizes = new long[maxCount];
    private int start;

    public int Count { get; private set; }

    public long Bytes { get; private set; }

    public bool IsFull => Count == lastIndexes.Length || Bytes >= maxBytes;

    public void Add(ulong lastIndex, long bytes)
    {
        if (Count == lastIndexes.Length)
        {
            throw new InvalidOperationException("Inflight window is full.");
        }

        var slot = (start + Count) % lastIndexes.Length;
        lastIndexes[slot] = lastIndex;
        sizes[slot] = bytes;
        Count++;
        Bytes += bytes;
    }

    /// <summary>Frees every message whose last index is at or below <paramref name="index"/>.</summary>
    public void FreeUpTo(ulong index)
    {
        while (Count > 0 && lastIndexes[start] <= index)
        {
            Bytes -= sizes[start];
            start = (start + 1) % lastIndexes.Length;
            Count--;
        }
    }

    /// <summary>Frees the oldest message, so that a follower whose acknowledgements were lost gets another message (which reveals the gap).</summary>
    public void FreeFirst()
    {
        if (Count > 0)
        {
            FreeUpTo(lastIndexes[start]);
        }
    }

    public void Reset()
    {
        start = 0;
        Count = 0;
        Bytes = 0;
    }
}
