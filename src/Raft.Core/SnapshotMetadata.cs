namespace Raft.Core;

/// <summary>What a snapshot covers: the last log index and term it includes, and the configuration in force there.</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, ClusterConfiguration? Configuration)
{
    public static SnapshotMetadata Empty { get; } = new(0, 0, null);
}
