using Raft.Core;

namespace Raft.Simulation.Tests;

/// <summary>
/// The safety properties of the Raft paper (Figure 3), checked incrementally after every simulation step so that each
/// step costs little: election safety, leader append-only, log matching, leader completeness, state machine safety,
/// and that no node's commit index goes back.
/// </summary>
internal sealed class SafetyChecker
{
    private readonly Dictionary<ulong, ulong> leaderOfTerm = [];
    private readonly List<ulong> committedTerm = [0];

    // For each committed index, the smallest current term of a node seen holding it as committed: an upper bound of the
    // term in which it was committed. Leaders of later terms must hold it.
    private readonly List<ulong> committedBy = [0];
    private readonly List<(ulong Term, int Hash)> appliedEntry = [default];
    private readonly Dictionary<(ulong Index, ulong Term), (ulong PreviousTerm, int Hash)> entriesSeen = [];

    public ulong HighestCommit => (ulong)(committedTerm.Count - 1);

    public int Elections { get; private set; }

    /// <summary>Log matching, by induction: an (index, term) pair always names the same command and the same predecessor term.</summary>
    public void OnPersist(SimulatedNode node, ReadOnlySpan<LogEntry> entries)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            ulong previousTerm;
            if (i > 0)
            {
                previousTerm = entries[i - 1].Term;
            }
            else if (!node.Raft!.TryGetTerm(entry.Index - 1, out previousTerm))
            {
                continue;
            }

            var hash = Hash(entry);
            if (entriesSeen.TryGetValue((entry.Index, entry.Term), out var seen))
            {
                if (seen.PreviousTerm != previousTerm || seen.Hash != hash)
                {
                    throw new SimulationFailure($"Log matching: node {node.Id} persisted entry {entry.Index}/term {entry.Term} with previous term {previousTerm}, but another log has it with previous term {seen.PreviousTerm} and {(seen.Hash == hash ? "the same" : "different")} content.");
                }
            }
            else
            {
                entriesSeen[(entry.Index, entry.Term)] = (previousTerm, hash);
            }
        }
    }

    /// <summary>State machine safety: every node applies the same entry at each index.</summary>
    public void OnApply(SimulatedNode node, in LogEntry entry)
    {
        var hash = Hash(entry);
        var index = (int)entry.Index;
        if (index < appliedEntry.Count)
        {
            if (appliedEntry[index] != (entry.Term, hash))
            {
                throw new SimulationFailure($"State machine safety: node {node.Id} applied entry {entry.Index}/term {entry.Term}, but another node applied term {appliedEntry[index].Term} there.");
            }
        }
        else if (index == appliedEntry.Count)
        {
            appliedEntry.Add((entry.Term, hash));
        }
        else
        {
            throw new SimulationFailure($"State machine safety: node {node.Id} applied entry {entry.Index} before any node applied {appliedEntry.Count}.");
        }
    }

    public void OnRestart(SimulatedNode node)
    {
        node.CommitSeen = node.Raft!.CommitIndex;
        node.LeaderView = default;
    }

    /// <summary>Checks one running node after a step.</summary>
    public void AfterStep(SimulatedNode node)
    {
        var raft = node.Raft!;
        var commit = raft.CommitIndex;
        if (commit < node.CommitSeen)
        {
            throw new SimulationFailure($"Commit index went back on node {node.Id}: {node.CommitSeen} -> {commit}.");
        }

        for (var index = node.CommitSeen + 1; index <= commit; index++)
        {
            if (!raft.TryGetTerm(index, out var term))
            {
                continue;
            }

            if (index < (ulong)committedTerm.Count)
            {
                committedBy[(int)index] = Math.Min(committedBy[(int)index], raft.Term);
                if (committedTerm[(int)index] == 0)
                {
                    committedTerm[(int)index] = term;
                }
                else if (committedTerm[(int)index] != term)
                {
                    throw new SimulationFailure($"Two entries committed at index {index}: term {committedTerm[(int)index]} elsewhere, term {term} on node {node.Id}.");
                }
            }
            else
            {
                while ((ulong)committedTerm.Count < index)
                {
                    // Committed by someone whose log we could not read at that index (compacted): unknown term.
                    committedTerm.Add(0);
                    committedBy.Add(ulong.MaxValue);
                }

                committedTerm.Add(term);
                committedBy.Add(raft.Term);
            }
        }

        node.CommitSeen = commit;
        if (raft.Role != RaftRole.Leader)
        {
            return;
        }

        if (leaderOfTerm.TryGetValue(raft.Term, out var leader))
        {
            if (leader != node.Id)
            {
                throw new SimulationFailure($"Election safety: nodes {leader} and {node.Id} both lead term {raft.Term}.");
            }
        }
        else
        {
            leaderOfTerm[raft.Term] = node.Id;
            Elections++;
            CheckLeaderCompleteness(node);
        }

        var (lastIndex, lastTerm) = (raft.LastIndex, raft.LastTerm);
        var view = node.LeaderView;
        // (The entry may since have been compacted into a snapshot, which only holds committed entries.)
        if (view.Term == raft.Term && (lastIndex < view.LastIndex
            || (raft.TryGetTerm(view.LastIndex, out var termThere) ? termThere != view.LastTerm : view.LastIndex + 1 >= raft.FirstIndex)))
        {
            throw new SimulationFailure($"Leader append-only: leader {node.Id} of term {raft.Term} had entry {view.LastIndex}/term {view.LastTerm}, now its log ends at {lastIndex}/term {lastTerm}.");
        }

        node.LeaderView = (raft.Term, lastIndex, lastTerm);
    }

    private void CheckLeaderCompleteness(SimulatedNode node)
    {
        var raft = node.Raft!;
        for (var index = Math.Max(raft.FirstIndex, 1); index < (ulong)committedTerm.Count; index++)
        {
            var expected = committedTerm[(int)index];
            if (expected == 0 || committedBy[(int)index] >= raft.Term)
            {
                continue;
            }

            if (!raft.TryGetTerm(index, out var term) || term != expected)
            {
                throw new SimulationFailure($"Leader completeness: node {node.Id} leads term {raft.Term} but lacks entry {index}/term {expected}, committed by term {committedBy[(int)index]}.");
            }
        }
    }

    private static int Hash(in LogEntry entry)
    {
        var hash = default(HashCode);
        hash.Add(entry.Type);
        hash.AddBytes(entry.Data.Span);
        return hash.ToHashCode();
    }
}
