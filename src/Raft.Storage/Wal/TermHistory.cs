namespace Raft.Storage.Wal;

/// <summary>
/// The term of every entry in the log, kept as the index where each term starts: terms change only at elections, so
/// this stays tiny however long the log is, and <see cref="Term"/> never touches the disk.
/// </summary>
internal sealed class TermHistory
{
    // starts[i] is the first index of a run of entries with term terms[i]; runs are in index order.
    private readonly List<ulong> starts = [];
    private readonly List<ulong> terms = [];

    /// <summary>The entry just before the log (covered by the snapshot), whose term is still known.</summary>
    public ulong BoundaryIndex { get; private set; }

    public ulong BoundaryTerm { get; private set; }

    /// <summary>Term of <paramref name="index"/>, which the caller has checked lies in [boundary, last].</summary>
    public ulong Term(ulong index)
    {
        if (index == BoundaryIndex)
        {
            return BoundaryTerm;
        }

        var run = starts.BinarySearch(index);
        return terms[run >= 0 ? run : ~run - 1];
    }

    /// <summary>Adds the entry after the last one.</summary>
    public void Append(ulong index, ulong term)
    {
        if (terms.Count == 0 || terms[^1] != term)
        {
            starts.Add(index);
            terms.Add(term);
        }
    }

    public void TruncateAfter(ulong index)
    {
        var keep = starts.BinarySearch(index + 1);
        keep = keep >= 0 ? keep : ~keep;
        starts.RemoveRange(keep, starts.Count - keep);
        terms.RemoveRange(keep, terms.Count - keep);
    }

    /// <summary>Forgets entries up to <paramref name="index"/>, which becomes the boundary with term <paramref name="term"/>.</summary>
    public void CompactTo(ulong index, ulong term)
    {
        // A run ends where the next one starts: runs that end at or before the boundary go, and the run holding
        // index + 1 stays, starting wherever it started (Term never asks below the boundary).
        var drop = 0;
        while (drop + 1 < starts.Count && starts[drop + 1] <= index + 1)
        {
            drop++;
        }

        starts.RemoveRange(0, drop);
        terms.RemoveRange(0, drop);
        BoundaryIndex = index;
        BoundaryTerm = term;
    }

    /// <summary>Empties the history: the log restarts after <paramref name="index"/>.</summary>
    public void Reset(ulong index, ulong term)
    {
        starts.Clear();
        terms.Clear();
        BoundaryIndex = index;
        BoundaryTerm = term;
    }
}
