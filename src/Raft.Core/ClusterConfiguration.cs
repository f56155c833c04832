namespace Raft.Core;

/// <summary>
/// Who takes part in the cluster. Quorums are always counted over this object, never over a node count, so that
/// joint consensus fits: while <see cref="OutgoingVoters"/> is non-empty a decision needs a majority of both sets.
/// Learners receive the log but never vote or count towards a quorum.
/// </summary>
public sealed class ClusterConfiguration : IEquatable<ClusterConfiguration>
{
    public ClusterConfiguration(IEnumerable<ulong> voters, IEnumerable<ulong>? outgoingVoters = null, IEnumerable<ulong>? learners = null)
    {
        Voters = Normalise(voters);
        OutgoingVoters = Normalise(outgoingVoters ?? []);
        Learners = Normalise(learners ?? []);
        if (Voters.Length == 0)
        {
            throw new ArgumentException("A configuration needs at least one voter.", nameof(voters));
        }

        if (Voters.Contains(0UL) || OutgoingVoters.Contains(0UL) || Learners.Contains(0UL))
        {
            throw new ArgumentException("Node id 0 is reserved for 'no node'.", nameof(voters));
        }

        foreach (var learner in Learners)
        {
            if (Voters.Contains(learner) || OutgoingVoters.Contains(learner))
            {
                throw new ArgumentException($"Node {learner} cannot be both a voter and a learner.", nameof(learners));
            }
        }

        Members = Normalise(Voters.Concat(OutgoingVoters).Concat(Learners));
    }

    /// <summary>The voters of the (incoming) configuration, sorted.</summary>
    public ulong[] Voters { get; }

    /// <summary>The voters of the outgoing configuration during a joint change; empty otherwise.</summary>
    public ulong[] OutgoingVoters { get; }

    /// <summary>Non-voting members, sorted.</summary>
    public ulong[] Learners { get; }

    /// <summary>Every node that receives the log: voters of both halves and learners, sorted and distinct.</summary>
    public ulong[] Members { get; }

    public bool IsJoint => OutgoingVoters.Length > 0;

    public bool IsVoter(ulong id) => Array.BinarySearch(Voters, id) >= 0 || Array.BinarySearch(OutgoingVoters, id) >= 0;

    public bool IsMember(ulong id) => Array.BinarySearch(Members, id) >= 0;

    /// <summary>The largest value that a quorum has reached, given each voter's value (match index, acknowledged read round).</summary>
    public ulong QuorumValue(Func<ulong, ulong> valueOf)
    {
        var incoming = MajorityValue(Voters, valueOf);
        return IsJoint ? Math.Min(incoming, MajorityValue(OutgoingVoters, valueOf)) : incoming;
    }

    /// <summary>The outcome of an election given who granted (true), rejected (false) or has not answered.</summary>
    public VoteResult TallyVotes(IReadOnlyDictionary<ulong, bool> votes)
    {
        var incoming = Tally(Voters, votes);
        if (!IsJoint)
        {
            return incoming;
        }

        var outgoing = Tally(OutgoingVoters, votes);
        if (incoming == VoteResult.Won && outgoing == VoteResult.Won)
        {
            return VoteResult.Won;
        }

        return incoming == VoteResult.Lost || outgoing == VoteResult.Lost ? VoteResult.Lost : VoteResult.Pending;
    }

    public bool Equals(ClusterConfiguration? other) =>
        other is not null && Voters.AsSpan().SequenceEqual(other.Voters) && OutgoingVoters.AsSpan().SequenceEqual(other.OutgoingVoters) && Learners.AsSpan().SequenceEqual(other.Learners);

    public override bool Equals(object? obj) => Equals(obj as ClusterConfiguration);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var id in Members)
        {
            hash.Add(id);
        }

        return hash.ToHashCode();
    }

    public override string ToString() =>
        IsJoint ? $"voters=[{string.Join(',', Voters)}]&[{string.Join(',', OutgoingVoters)}] learners=[{string.Join(',', Learners)}]"
                : $"voters=[{string.Join(',', Voters)}] learners=[{string.Join(',', Learners)}]";

    private static ulong[] Normalise(IEnumerable<ulong> ids) => ids.Distinct().Order().ToArray();

    private static ulong MajorityValue(ulong[] voters, Func<ulong, ulong> valueOf)
    {
        if (voters.Length == 0)
        {
            return ulong.MaxValue;
        }

        Span<ulong> values = voters.Length <= 16 ? stackalloc ulong[voters.Length] : new ulong[voters.Length];
        for (var i = 0; i < voters.Length; i++)
        {
            values[i] = valueOf(voters[i]);
        }

        values.Sort();
        // Sorted ascending: the value at position n - (n/2 + 1) is held by a majority (n/2 + 1 voters).
        return values[voters.Length - ((voters.Length / 2) + 1)];
    }

    private static VoteResult Tally(ulong[] voters, IReadOnlyDictionary<ulong, bool> votes)
    {
        int granted = 0, rejected = 0;
        foreach (var id in voters)
        {
            if (votes.TryGetValue(id, out var vote))
            {
                if (vote)
                {
                    granted++;
                }
                else
                {
                    rejected++;
                }
            }
        }

        var quorum = (voters.Length / 2) + 1;
        if (granted >= quorum)
        {
            return VoteResult.Won;
        }

        return voters.Length - rejected < quorum ? VoteResult.Lost : VoteResult.Pending;
    }
}
