using Raft.Core.Storage;

namespace Raft.Core.Tests.Harness;

/// <summary>Builds stores that already hold a log, as if a cluster had run before.</summary>
internal static class TestLog
{
    /// <summary>Entries starting at index 1, with the given terms; each entry's data names its index and term.</summary>
    public static LogEntry[] Entries(params ulong[] terms) => EntriesFrom(1, terms);

    public static LogEntry[] EntriesFrom(ulong firstIndex, params ulong[] terms) =>
        terms.Select((term, i) => new LogEntry(firstIndex + (ulong)i, term, EntryType.Command, TestCluster.Bytes($"{firstIndex + (ulong)i}@{term}"))).ToArray();

    /// <summary>Terms for runs of entries: Runs((1, 5), (2, 50)) is five entries of term 1 then fifty of term 2.</summary>
    public static ulong[] Runs(params (ulong Term, int Count)[] runs) => runs.SelectMany(r => Enumerable.Repeat(r.Term, r.Count)).ToArray();

    public static MemoryLogStore Store(HardState hardState, params ulong[] terms)
    {
        var store = new MemoryLogStore();
        store.Save(hardState, Entries(terms));
        return store;
    }

    /// <summary>The terms of the store's entries, FirstIndex..LastIndex.</summary>
    public static ulong[] TermsOf(MemoryLogStore store)
    {
        var terms = new List<ulong>();
        for (var index = store.FirstIndex; index <= store.LastIndex; index++)
        {
            terms.Add(store.Term(index));
        }

        return [.. terms];
    }
}
