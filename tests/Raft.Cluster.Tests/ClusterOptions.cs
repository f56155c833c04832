namespace Raft.Cluster.Tests;

/// <summary>How a test cluster is configured: size, timing (RAFT_* values in ms) and whether it uses the seed's variable format.</summary>
internal sealed record ClusterOptions
{
    public int Size { get; init; } = 3;

    public int ElectionTimeoutMinMs { get; init; } = 300;

    public int ElectionTimeoutMaxMs { get; init; } = 600;

    public int HeartbeatIntervalMs { get; init; } = 50;

    public int RequestTimeoutMs { get; init; } = 3000;

    /// <summary>RAFT_SNAPSHOT_INTERVAL, or null to leave the server's default.</summary>
    public int? SnapshotInterval { get; init; }

    /// <summary>
    /// Only the seed README's variables: RAFT_NODE_ID, RAFT_PORT and RAFT_PEERS as "name:port" entries (host 127.0.0.1, peer
    /// port derived as HTTP port + 1000); no data directory, timing or peer-port settings (the server's defaults apply).
    /// </summary>
    public bool SeedVariablesOnly { get; init; }
}
