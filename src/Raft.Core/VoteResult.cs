namespace Raft.Core;

/// <summary>The state of an election as seen by a candidate.</summary>
public enum VoteResult
{
    Pending,
    Won,
    Lost,
}
