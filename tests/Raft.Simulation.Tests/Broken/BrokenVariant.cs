using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests.Broken;

/// <summary>
/// Known Raft bugs, injected into the core by test-only subclasses that override its protected decision hooks. The production
/// <see cref="RaftNode"/> is never subclassed outside this folder; the hooks cost one virtual call each.
/// </summary>
public enum BrokenVariant
{
    /// <summary>Commits an entry of an earlier term by counting replicas (Raft paper, Figure 8).</summary>
    CommitsEarlierTermByCounting,

    /// <summary>Grants votes without checking that the candidate's log is at least as up to date.</summary>
    VotesWithoutLogCheck,

    /// <summary>Does not persist its vote before answering, so it forgets the vote when it restarts.</summary>
    ForgetsVoteOnRestart,

    /// <summary>A follower truncates entries that match when a stale or duplicated AppendEntries arrives.</summary>
    TruncatesOnStaleAppend,

    /// <summary>Serves ReadIndex reads without confirming leadership with a quorum.</summary>
    ReadsWithoutLeadershipCheck,
}

public static class BrokenVariants
{
    public static Func<RaftOptions, ILogStore, RaftNode> Factory(BrokenVariant variant) => variant switch
    {
        BrokenVariant.CommitsEarlierTermByCounting => (options, store) => new CommitsEarlierTermNode(options, store),
        BrokenVariant.VotesWithoutLogCheck => (options, store) => new VotesWithoutLogCheckNode(options, store),
        BrokenVariant.ForgetsVoteOnRestart => (options, store) => new ForgetsVoteNode(options, store),
        BrokenVariant.TruncatesOnStaleAppend => (options, store) => new TruncatesOnStaleAppendNode(options, store),
        BrokenVariant.ReadsWithoutLeadershipCheck => (options, store) => new UnconfirmedReadNode(options, store),
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };
}
