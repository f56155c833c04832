namespace Raft.Core;

/// <summary>The role of a node. Values 0-2 match the seed API's <c>state</c> field.</summary>
public enum RaftRole
{
    Follower = 0,
    Candidate = 1,
    Leader = 2,

    /// <summary>Running a PreVote round: asks whether it could win before it disturbs anyone's term (thesis 9.6).</summary>
    PreCandidate = 3,
}
