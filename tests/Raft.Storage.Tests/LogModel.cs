using Raft.Core;

namespace Raft.Storage.Tests;

/// <summary>
/// What a log store should hold after a sequence of acknowledged operations: the expected side of the crash and
/// model-based tests. Immutable-by-copy, so that "the state before the operation that crashed" can be kept.
/// </summary>
internal sealed class LogModel
{
    private readonly List<LogEntry> entries = [];

    public HardState HardState { get; private set; }

    public SnapshotMetadata Snapshot { get; private set; } = SnapshotMetadata.Empty;

    /// <summary>Index of the entry before the first one held (the compaction boundary).</summary>
    public ulong Boundary { get; private set; }

    public ulong BoundaryTerm { get; private set; }

    public ulong LastIndex => Boundary + (ulong)entries.Count;

    public HardState ExpectedHardState => HardState with { Commit = Math.Max(HardState.Commit, Snapshot.Index) };

    public LogModel Clone()
    {
        var copy = new LogModel { HardState = HardState, Snapshot = Snapshot, Boundary = Boundary, BoundaryTerm = BoundaryTerm };
        copy.entries.AddRange(entries);
        return copy;
    }

    public ulong Term(ulong index) => index == Boundary ? BoundaryTerm : entries[(int)(index - Boundary - 1)].Term;

    public LogEntry Entry(ulong index) => entries[(int)(index - Boundary - 1)];

    public void Save(HardState? hardState, IReadOnlyList<LogEntry> newEntries)
    {
        if (newEntries.Count > 0)
        {
            var keep = (int)(newEntries[0].Index - Boundary - 1);
            entries.RemoveRange(keep, entries.Count - keep);
            entries.AddRange(newEntries);
        }

        if (hardState is { } state)
        {
            HardState = state;
        }
    }

    public void SaveSnapshot(SnapshotMetadata metadata)
    {
        if (metadata.Index > Snapshot.Index)
        {
            Snapshot = metadata;
        }
    }

    public void InstallSnapshot(SnapshotMetadata metadata)
    {
        Snapshot = metadata;
        entries.Clear();
        Boundary = metadata.Index;
        BoundaryTerm = metadata.Term;
    }

    public void Compact(ulong index)
    {
        if (index <= Boundary)
        {
            return;
        }

        BoundaryTerm = Term(index);
        entries.RemoveRange(0, (int)(index - Boundary));
        Boundary = index;
    }

    /// <summary>Whether <paramref name="store"/> holds this state, as it would after a restart (entries up to the snapshot count as compacted).</summary>
    public string? Differences(FileLogStore store)
    {
        if (store.HardState != ExpectedHardState)
        {
            return $"hard state {store.HardState}, expected {ExpectedHardState}";
        }

        if (store.SnapshotMetadata.Index != Snapshot.Index || store.SnapshotMetadata.Term != Snapshot.Term || !Equals(store.SnapshotMetadata.Configuration, Snapshot.Configuration))
        {
            return $"snapshot {store.SnapshotMetadata}, expected {Snapshot}";
        }

        if (store.LastIndex != LastIndex)
        {
            return $"last index {store.LastIndex}, expected {LastIndex}";
        }

        if (store.FirstIndex - 1 < Boundary)
        {
            return $"first index {store.FirstIndex}, but entries up to {Boundary} were compacted";
        }

        if (store.Term(store.FirstIndex - 1) != Term(store.FirstIndex - 1))
        {
            return $"term {store.Term(store.FirstIndex - 1)} at the boundary {store.FirstIndex - 1}, expected {Term(store.FirstIndex - 1)}";
        }

        var actual = TestData.ReadAll(store);
        for (var i = 0; i < actual.Count; i++)
        {
            var index = store.FirstIndex + (ulong)i;
            if (actual[i].Index != index || !TestData.SameEntry(Entry(index), actual[i]) || store.Term(index) != Entry(index).Term)
            {
                return $"entry {index} differs";
            }
        }

        return null;
    }
}
