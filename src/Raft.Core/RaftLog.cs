using System.Runtime.InteropServices;
using Raft.Core.Storage;

namespace Raft.Core;

/// <summary>
/// The log as the core sees it: the durable part in the <see cref="ILogStore"/>, followed by entries (or a snapshot) that
/// were accepted but not yet handed to the driver to persist (the "unstable" part, as in etcd's log_unstable.go).
/// Also tracks the commit and applied indexes.
/// </summary>
internal sealed class RaftLog
{
    private readonly ILogStore store;
    private readonly List<LogEntry> unstable = [];
    private readonly List<LogEntry> scratch = [];

    // Index of unstable[0]; everything below it is in the store (or covered by the pending snapshot).
    private ulong unstableOffset;

    // The last array handed out by Entries() and the range it was asked for; dropped when entries are replaced.
    private LogEntry[] slice = [];
    private ulong sliceFrom;
    private ulong sliceTo;

    public RaftLog(ILogStore store)
    {
        this.store = store;
        unstableOffset = store.LastIndex + 1;
        var snapshotIndex = store.SnapshotMetadata.Index;
        Committed = Math.Max(store.HardState.Commit, snapshotIndex);
        Applied = snapshotIndex;
        if (Committed > store.LastIndex)
        {
            throw new InvalidOperationException($"The stored commit index {Committed} is beyond the last stored entry {store.LastIndex}: committed entries were lost.");
        }
    }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    /// <summary>A snapshot received from the leader, not yet persisted and installed by the driver.</summary>
    public Snapshot? PendingSnapshot { get; private set; }

    public ulong FirstIndex => PendingSnapshot is { } snapshot ? snapshot.Metadata.Index + 1 : store.FirstIndex;

    public ulong LastIndex => unstable.Count > 0 ? unstableOffset + (ulong)unstable.Count - 1 : PendingSnapshot?.Metadata.Index ?? store.LastIndex;

    public ulong LastTerm => Term(LastIndex);

    /// <summary>Last index already on stable storage (what a leader may count itself as holding).</summary>
    public ulong PersistedLastIndex => PendingSnapshot is not null ? 0 : unstableOffset - 1;

    public ReadOnlySpan<LogEntry> UnstableEntries => CollectionsMarshal.AsSpan(unstable);

    public bool HasUnstable => unstable.Count > 0 || PendingSnapshot is not null;

    /// <summary>Term at <paramref name="index"/>, or false when the index is compacted or beyond the log.</summary>
    public bool TryTerm(ulong index, out ulong term)
    {
        if (index >= unstableOffset && index - unstableOffset < (ulong)unstable.Count)
        {
            term = unstable[(int)(index - unstableOffset)].Term;
            return true;
        }

        if (PendingSnapshot is { } snapshot)
        {
            term = snapshot.Metadata.Term;
            return index == snapshot.Metadata.Index;
        }

        if (index + 1 >= store.FirstIndex && index <= store.LastIndex && index < unstableOffset)
        {
            term = store.Term(index);
            return true;
        }

        term = 0;
        return index == 0;
    }

    public ulong Term(ulong index) =>
        TryTerm(index, out var term) ? term : throw new InvalidOperationException($"Term of index {index} is unavailable (log holds [{FirstIndex}, {LastIndex}]).");

    public bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var actual) && actual == term;

    /// <summary>Whether a log ending at (<paramref name="lastIndex"/>, <paramref name="lastTerm"/>) is at least as up to date as this one (section 5.4.1).</summary>
    public bool IsUpToDate(ulong lastIndex, ulong lastTerm)
    {
        var ourLastTerm = LastTerm;
        return lastTerm > ourLastTerm || (lastTerm == ourLastTerm && lastIndex >= LastIndex);
    }

    /// <summary>The last index at or below <paramref name="atOrBelow"/> whose term is <paramref name="term"/>, or 0.</summary>
    public ulong LastIndexOfTerm(ulong term, ulong atOrBelow)
    {
        var first = FirstIndex - 1;
        for (var index = Math.Min(atOrBelow, LastIndex); index >= first && index > 0; index--)
        {
            if (!TryTerm(index, out var t) || t < term)
            {
                return 0;
            }

            if (t == term)
            {
                return index;
            }
        }

        return 0;
    }

    /// <summary>The first index of the run of entries with the same term that ends at <paramref name="index"/>, not going below <paramref name="floor"/>.</summary>
    public ulong FirstIndexOfTermAt(ulong index, ulong floor)
    {
        var term = Term(index);
        var first = Math.Max(floor, FirstIndex);
        while (index > first && TryTerm(index - 1, out var t) && t == term)
        {
            index--;
        }

        return index;
    }

    /// <summary>Appends entries proposed by the leader (always at the end of the log).</summary>
    public void Append(LogEntry entry)
    {
        if (unstable.Count == 0)
        {
            unstableOffset = LastIndex + 1;
        }

        unstable.Add(entry);
    }

    /// <summary>
    /// Replaces everything from <paramref name="entries"/>[0].Index on by <paramref name="entries"/>. The caller has checked that
    /// no committed entry is replaced.
    /// </summary>
    public void TruncateAndAppend(ReadOnlySpan<LogEntry> entries)
    {
        var after = entries[0].Index;
        slice = [];
        if (after <= Committed)
        {
            throw new InvalidOperationException($"Refusing to replace committed entry {after} (commit index {Committed}).");
        }

        if (unstable.Count > 0 && after >= unstableOffset && after <= unstableOffset + (ulong)unstable.Count)
        {
            var keep = (int)(after - unstableOffset);
            unstable.RemoveRange(keep, unstable.Count - keep);
        }
        else
        {
            // The replaced part reaches into the store: the driver's Save() truncates the store's suffix from here.
            unstable.Clear();
            unstableOffset = after;
        }

        unstable.AddRange(entries);
    }

    /// <summary>
    /// Entries in [from, to) up to about maxBytes (at least one), from the store and the unstable part. The array may be
    /// shared with an earlier caller that asked for the same range (followers at the same point get the same array): callers
    /// must not modify it.
    /// </summary>
    public LogEntry[] Entries(ulong from, ulong to, long maxBytes)
    {
        if (from >= to)
        {
            return [];
        }

        if (from == sliceFrom && to == sliceTo && slice.Length > 0)
        {
            return slice;
        }

        LogEntry[] result;
        if (from >= unstableOffset)
        {
            var span = CollectionsMarshal.AsSpan(unstable).Slice((int)(from - unstableOffset), (int)(to - from));
            result = span[..CountWithin(span, maxBytes)].ToArray();
        }
        else
        {
            result = EntriesFromStore(from, to, maxBytes);
        }

        (slice, sliceFrom, sliceTo) = (result, from, to);
        return result;
    }

    private static int CountWithin(ReadOnlySpan<LogEntry> entries, long maxBytes)
    {
        long bytes = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            bytes += entries[i].Size;
            if (bytes > maxBytes && i > 0)
            {
                return i;
            }
        }

        return entries.Length;
    }

    private LogEntry[] EntriesFromStore(ulong from, ulong to, long maxBytes)
    {
        scratch.Clear();
        store.GetEntries(from, Math.Min(to, unstableOffset), maxBytes, scratch);
        if (scratch.Count < (int)(Math.Min(to, unstableOffset) - from))
        {
            return [.. scratch];
        }

        long bytes = 0;
        foreach (var entry in scratch)
        {
            bytes += entry.Size;
        }

        for (var index = Math.Max(from, unstableOffset); index < to; index++)
        {
            var entry = unstable[(int)(index - unstableOffset)];
            bytes += entry.Size;
            if (bytes > maxBytes && scratch.Count > 0)
            {
                break;
            }

            scratch.Add(entry);
        }

        return [.. scratch];
    }

    /// <summary>Committed entries not yet handed out for applying, up to about maxBytes.</summary>
    public void NextCommittedEntries(long maxBytes, List<LogEntry> into)
    {
        if (PendingSnapshot is not null || Applied >= Committed)
        {
            return;
        }

        var from = Applied + 1;
        var to = Committed + 1;
        if (from < unstableOffset)
        {
            store.GetEntries(from, Math.Min(to, unstableOffset), maxBytes, into);
            if ((ulong)into.Count < Math.Min(to, unstableOffset) - from)
            {
                return;
            }
        }

        var start = Math.Max(from, unstableOffset);
        if (start < to)
        {
            into.AddRange(CollectionsMarshal.AsSpan(unstable).Slice((int)(start - unstableOffset), (int)(to - start)));
        }
    }

    public void CommitTo(ulong index)
    {
        if (index <= Committed)
        {
            return;
        }

        if (index > LastIndex)
        {
            throw new InvalidOperationException($"Commit index {index} is beyond the last log index {LastIndex}: the log was truncated or lost.");
        }

        Committed = index;
    }

    public void AppliedTo(ulong index)
    {
        if (index > Committed || index < Applied)
        {
            throw new InvalidOperationException($"Applied index {index} outside [{Applied}, {Committed}].");
        }

        Applied = index;
    }

    /// <summary>The unstable entries up to <paramref name="index"/> are now on stable storage.</summary>
    public void StableTo(ulong index)
    {
        if (unstable.Count == 0 || index < unstableOffset)
        {
            return;
        }

        var count = (int)Math.Min((ulong)unstable.Count, index - unstableOffset + 1);
        unstable.RemoveRange(0, count);
        unstableOffset += (ulong)count;
    }

    /// <summary>Starts over from a snapshot received from the leader; the driver persists and installs it.</summary>
    public void Restore(Snapshot snapshot)
    {
        slice = [];
        PendingSnapshot = snapshot;
        unstable.Clear();
        unstableOffset = snapshot.Metadata.Index + 1;
        Committed = snapshot.Metadata.Index;
    }

    /// <summary>The pending snapshot is now durable and installed in the state machine.</summary>
    public void SnapshotInstalled()
    {
        if (PendingSnapshot is { } snapshot)
        {
            PendingSnapshot = null;
            Applied = Math.Max(Applied, snapshot.Metadata.Index);
        }
    }
}
