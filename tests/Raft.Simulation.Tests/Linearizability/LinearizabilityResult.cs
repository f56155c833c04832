namespace Raft.Simulation.Tests.Linearizability;

/// <summary>
/// Outcome of <see cref="LinearizabilityChecker.Check(IReadOnlyList{KvOperation})"/>.
/// </summary>
/// <param name="IsLinearizable">False only when a violation was proven. An inconclusive check counts as linearizable.</param>
/// <param name="Key">The key whose sub-history is not linearizable (or for which the search was inconclusive); null otherwise.</param>
/// <param name="Explanation">A human-readable explanation: on failure, the ops involved, one per line.</param>
/// <param name="Inconclusive">True when the search hit its step budget before reaching a verdict for some key.</param>
public sealed record LinearizabilityResult(bool IsLinearizable, string? Key, string Explanation, bool Inconclusive = false);
