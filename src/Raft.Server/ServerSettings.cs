using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Raft.Server;

/// <summary>
/// The server's settings. Every setting has one key, the seed's environment variable name (RAFT_NODE_ID, RAFT_PORT, ...),
/// read from environment variables, appsettings.json (top-level keys) or command-line flags (--node-id, --port, ...).
/// </summary>
public sealed record ServerSettings
{
    /// <summary>Command-line flags and the keys they set.</summary>
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>
    {
        ["--node-id"] = "RAFT_NODE_ID",
        ["--bind-address"] = "RAFT_BIND_ADDRESS",
        ["--port"] = "RAFT_PORT",
        ["--peer-port"] = "RAFT_PEER_PORT",
        ["--peer-port-offset"] = "RAFT_PEER_PORT_OFFSET",
        ["--peers"] = "RAFT_PEERS",
        ["--data-dir"] = "RAFT_DATA_DIR",
        ["--cluster-id"] = "RAFT_CLUSTER_ID",
        ["--election-timeout-min"] = "RAFT_ELECTION_TIMEOUT_MIN",
        ["--election-timeout-max"] = "RAFT_ELECTION_TIMEOUT_MAX",
        ["--heartbeat-interval"] = "RAFT_HEARTBEAT_INTERVAL",
        ["--tick"] = "RAFT_TICK_MS",
        ["--read-mode"] = "RAFT_READ_MODE",
        ["--snapshot-interval"] = "RAFT_SNAPSHOT_INTERVAL",
        ["--request-timeout"] = "RAFT_REQUEST_TIMEOUT_MS",
        ["--max-body-bytes"] = "RAFT_MAX_BODY_BYTES",
        ["--max-key-bytes"] = "RAFT_MAX_KEY_BYTES",
        ["--max-value-bytes"] = "RAFT_MAX_VALUE_BYTES",
        ["--log-level"] = "RAFT_LOG_LEVEL",
    };

    public string NodeId { get; init; } = "node-1";

    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    public int Port { get; init; } = 8080;

    public int PeerPort { get; init; } = 9080;

    public int PeerPortOffset { get; init; } = 1000;

    public IReadOnlyList<PeerAddress> Peers { get; init; } = [];

    public string DataDirectory { get; init; } = Path.Combine("data", "node-1");

    public string ClusterId { get; init; } = "raft";

    public int ElectionTimeoutMinMs { get; init; } = 150;

    public int ElectionTimeoutMaxMs { get; init; } = 300;

    public int HeartbeatIntervalMs { get; init; } = 50;

    public int TickMs { get; init; } = 10;

    public ReadMode ReadMode { get; init; } = ReadMode.Linearizable;

    public ulong SnapshotInterval { get; init; } = 100_000;

    public int RequestTimeoutMs { get; init; } = 5000;

    public long MaxBodyBytes { get; init; } = 1 << 20;

    public int MaxKeyBytes { get; init; } = 4096;

    public int MaxValueBytes { get; init; } = 512 * 1024;

    /// <summary>Reads and validates the settings; throws <see cref="ServerConfigurationException"/> naming the bad setting.</summary>
    public static ServerSettings Load(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var nodeId = configuration["RAFT_NODE_ID"] is { Length: > 0 } id ? id.Trim() : "node-1";
        var port = Int(configuration, "RAFT_PORT", 8080, 1, 65535);
        var offset = Int(configuration, "RAFT_PEER_PORT_OFFSET", 1000, -65535, 65535);
        var bind = configuration["RAFT_BIND_ADDRESS"] is { Length: > 0 } address
            ? IPAddress.TryParse(address, out var parsed) ? parsed : throw new ServerConfigurationException($"RAFT_BIND_ADDRESS '{address}' is not an IP address.")
            : IPAddress.Loopback;
        var peers = (configuration["RAFT_PEERS"] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => PeerAddress.Parse(entry, offset))
            .ToList();
        var settings = new ServerSettings
        {
            NodeId = nodeId,
            BindAddress = bind,
            Port = port,
            PeerPortOffset = offset,
            PeerPort = Int(configuration, "RAFT_PEER_PORT", port + offset, 1, 65535),
            Peers = peers,
            DataDirectory = configuration["RAFT_DATA_DIR"] is { Length: > 0 } dir ? dir : Path.Combine("data", nodeId),
            ClusterId = configuration["RAFT_CLUSTER_ID"] is { Length: > 0 } cluster ? cluster : "raft",
            ElectionTimeoutMinMs = Int(configuration, "RAFT_ELECTION_TIMEOUT_MIN", 150, 1, 600_000),
            ElectionTimeoutMaxMs = Int(configuration, "RAFT_ELECTION_TIMEOUT_MAX", 300, 1, 600_000),
            HeartbeatIntervalMs = Int(configuration, "RAFT_HEARTBEAT_INTERVAL", 50, 1, 600_000),
            TickMs = Int(configuration, "RAFT_TICK_MS", 10, 1, 10_000),
            ReadMode = (configuration["RAFT_READ_MODE"] ?? "").Trim().ToLowerInvariant() switch
            {
                "" or "linearizable" => ReadMode.Linearizable,
                "local" => ReadMode.Local,
                var mode => throw new ServerConfigurationException($"RAFT_READ_MODE '{mode}' must be 'linearizable' or 'local'."),
            },
            SnapshotInterval = (ulong)Int(configuration, "RAFT_SNAPSHOT_INTERVAL", 100_000, 0, int.MaxValue),
            RequestTimeoutMs = Int(configuration, "RAFT_REQUEST_TIMEOUT_MS", 5000, 10, 600_000),
            MaxBodyBytes = Int(configuration, "RAFT_MAX_BODY_BYTES", 1 << 20, 64, 64 << 20),
            MaxKeyBytes = Int(configuration, "RAFT_MAX_KEY_BYTES", 4096, 1, 65535),
            MaxValueBytes = Int(configuration, "RAFT_MAX_VALUE_BYTES", 512 * 1024, 1, 32 << 20),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        if (NodeId.Contains(',', StringComparison.Ordinal) || NodeId.Contains(':', StringComparison.Ordinal) || NodeId.Contains('@', StringComparison.Ordinal))
        {
            throw new ServerConfigurationException($"RAFT_NODE_ID '{NodeId}' must not contain ',', ':' or '@'.");
        }

        if (ElectionTimeoutMinMs >= ElectionTimeoutMaxMs)
        {
            throw new ServerConfigurationException($"RAFT_ELECTION_TIMEOUT_MIN ({ElectionTimeoutMinMs} ms) must be below RAFT_ELECTION_TIMEOUT_MAX ({ElectionTimeoutMaxMs} ms).");
        }

        if (HeartbeatIntervalMs >= ElectionTimeoutMinMs)
        {
            throw new ServerConfigurationException($"RAFT_HEARTBEAT_INTERVAL ({HeartbeatIntervalMs} ms) must be below RAFT_ELECTION_TIMEOUT_MIN ({ElectionTimeoutMinMs} ms).");
        }

        if (TickMs > HeartbeatIntervalMs)
        {
            throw new ServerConfigurationException($"RAFT_TICK_MS ({TickMs} ms) must not exceed RAFT_HEARTBEAT_INTERVAL ({HeartbeatIntervalMs} ms).");
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { NodeId };
        foreach (var peer in Peers)
        {
            if (!names.Add(peer.Name))
            {
                throw new ServerConfigurationException(peer.Name == NodeId
                    ? $"RAFT_PEERS lists this node's own id '{NodeId}'; list only the other nodes."
                    : $"RAFT_PEERS lists '{peer.Name}' twice.");
            }
        }

        if (PeerPort == Port)
        {
            throw new ServerConfigurationException($"RAFT_PEER_PORT ({PeerPort}) must differ from RAFT_PORT.");
        }

        try
        {
            Directory.CreateDirectory(DataDirectory);
            var probe = Path.Combine(DataDirectory, ".write-probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ServerConfigurationException($"RAFT_DATA_DIR '{DataDirectory}' is not a writable directory: {e.Message}", e);
        }
    }

    private static int Int(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ServerConfigurationException($"{key} '{text}' must be a whole number between {min} and {max}.");
        }

        return value;
    }
}
