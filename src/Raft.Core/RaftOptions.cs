namespace Raft.Core;

/// <summary>Settings of one <see cref="RaftNode"/>. Times are in ticks: the driver decides how long a tick is.</summary>
public sealed class RaftOptions
{
    /// <summary>This node's id (non-zero).</summary>
    public ulong Id { get; init; }

    /// <summary>The configuration used when the store holds none yet (a new cluster).</summary>
    public ClusterConfiguration? InitialConfiguration { get; init; }

    /// <summary>Lower bound (inclusive) of the randomised election timeout; also the CheckQuorum period and the leader lease.</summary>
    public int ElectionTimeoutMinTicks { get; init; } = 10;

    /// <summary>Upper bound (exclusive) of the randomised election timeout.</summary>
    public int ElectionTimeoutMaxTicks { get; init; } = 20;

    /// <summary>A leader sends heartbeats every this many ticks.</summary>
    public int HeartbeatIntervalTicks { get; init; } = 2;

    /// <summary>Run a PreVote round before a real election (recommended: a rejoining node does not disrupt a stable leader).</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>A leader that has not heard from a quorum for an election timeout steps down; followers honour the leader's lease.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Most AppendEntries in flight to one follower in replicate state (pipelining depth).</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Most bytes in flight to one follower.</summary>
    public long MaxInflightBytes { get; init; } = 32L << 20;

    /// <summary>Largest payload of one AppendEntries (at least one entry is always sent). Small enough that the entry array stays off the large-object heap.</summary>
    public long MaxAppendEntriesBytes { get; init; } = 128L << 10;

    /// <summary>Most bytes of committed entries handed out in one <see cref="Ready"/>.</summary>
    public long MaxCommittedBytesPerReady { get; init; } = 64L << 20;

    /// <summary>Most bytes a leader holds appended but not yet applied before it refuses proposals (0 = no limit).</summary>
    public long MaxUncommittedBytes { get; init; } = 256L << 20;

    /// <summary>The index the state machine has already applied when the node starts (0: from the store's snapshot).</summary>
    public ulong AppliedIndex { get; init; }

    /// <summary>Seed of the election timeout randomisation; fixed seeds make simulations reproducible.</summary>
    public int RandomSeed { get; init; } = Environment.TickCount;

    public void Validate()
    {
        if (Id == 0)
        {
            throw new ArgumentException("Node id must be non-zero.");
        }

        if (ElectionTimeoutMinTicks < 1 || ElectionTimeoutMaxTicks <= ElectionTimeoutMinTicks)
        {
            throw new ArgumentException($"Election timeout range [{ElectionTimeoutMinTicks}, {ElectionTimeoutMaxTicks}) must be non-empty and positive.");
        }

        if (HeartbeatIntervalTicks < 1 || HeartbeatIntervalTicks >= ElectionTimeoutMinTicks)
        {
            throw new ArgumentException($"Heartbeat interval ({HeartbeatIntervalTicks}) must be at least 1 and below the election timeout ({ElectionTimeoutMinTicks}).");
        }

        if (MaxInflightMessages < 1 || MaxInflightBytes < 1 || MaxAppendEntriesBytes < 1 || MaxCommittedBytesPerReady < 1 || MaxUncommittedBytes < 0)
        {
            throw new ArgumentException("Flow-control limits must be positive.");
        }
    }
}
