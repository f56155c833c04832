namespace Raft.Core.Tests.Harness;

/// <summary>The settings a test varies; everything else is fixed so that runs are reproducible.</summary>
internal sealed record TestOptions
{
    public bool PreVote { get; init; } = true;

    public bool CheckQuorum { get; init; } = true;

    public int MaxInflightMessages { get; init; } = 256;

    public long MaxInflightBytes { get; init; } = 32L << 20;

    public long MaxAppendEntriesBytes { get; init; } = 1L << 20;

    public long MaxUncommittedBytes { get; init; } = 256L << 20;

    public int Seed { get; init; } = 1;

    public const int ElectionTimeoutMin = 10;

    public const int ElectionTimeoutMax = 20;

    public const int HeartbeatInterval = 2;

    public RaftOptions For(ulong id, ClusterConfiguration configuration) => new()
    {
        Id = id,
        InitialConfiguration = configuration,
        RandomSeed = (Seed * 1000) + (int)id,
        ElectionTimeoutMinTicks = ElectionTimeoutMin,
        ElectionTimeoutMaxTicks = ElectionTimeoutMax,
        HeartbeatIntervalTicks = HeartbeatInterval,
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
        MaxInflightMessages = MaxInflightMessages,
        MaxInflightBytes = MaxInflightBytes,
        MaxAppendEntriesBytes = MaxAppendEntriesBytes,
        MaxUncommittedBytes = MaxUncommittedBytes,
    };
}
