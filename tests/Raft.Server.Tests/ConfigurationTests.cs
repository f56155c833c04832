using Microsoft.Extensions.Configuration;

namespace Raft.Server.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public void A_valid_configuration_loads_every_setting()
    {
        var settings = Load(new()
        {
            ["RAFT_NODE_ID"] = "node-1",
            ["RAFT_PORT"] = "18080",
            ["RAFT_PEER_PORT"] = "19080",
            ["RAFT_PEERS"] = "node-2@127.0.0.2:18081:19081, node-3:18082",
            ["RAFT_ELECTION_TIMEOUT_MIN"] = "200",
            ["RAFT_ELECTION_TIMEOUT_MAX"] = "400",
            ["RAFT_HEARTBEAT_INTERVAL"] = "40",
            ["RAFT_TICK_MS"] = "5",
            ["RAFT_READ_MODE"] = "LOCAL",
            ["RAFT_SNAPSHOT_INTERVAL"] = "20",
            ["RAFT_REQUEST_TIMEOUT_MS"] = "1500",
            ["RAFT_MAX_BODY_BYTES"] = "2048",
            ["RAFT_MAX_KEY_BYTES"] = "32",
            ["RAFT_MAX_VALUE_BYTES"] = "128",
        });

        Assert.Equal("node-1", settings.NodeId);
        Assert.Equal(18080, settings.Port);
        Assert.Equal(19080, settings.PeerPort);
        Assert.Equal(2, settings.Peers.Count);
        Assert.Equal(new PeerAddress("node-2", "127.0.0.2", 18081, 19081), settings.Peers[0]);
        Assert.Equal(new PeerAddress("node-3", "127.0.0.1", 18082, 18082 + settings.PeerPortOffset), settings.Peers[1]);
        Assert.Equal(200, settings.ElectionTimeoutMinMs);
        Assert.Equal(400, settings.ElectionTimeoutMaxMs);
        Assert.Equal(40, settings.HeartbeatIntervalMs);
        Assert.Equal(5, settings.TickMs);
        Assert.Equal(ReadMode.Local, settings.ReadMode);
        Assert.Equal(20UL, settings.SnapshotInterval);
        Assert.Equal(1500, settings.RequestTimeoutMs);
        Assert.Equal(2048, settings.MaxBodyBytes);
        Assert.Equal(32, settings.MaxKeyBytes);
        Assert.Equal(128, settings.MaxValueBytes);
        Assert.Equal(directory.Sub("data"), settings.DataDirectory);
    }

    [Fact]
    public void The_seed_peer_form_name_colon_port_is_accepted()
    {
        var settings = Load(new() { ["RAFT_NODE_ID"] = "node-1", ["RAFT_PORT"] = "8080", ["RAFT_PEERS"] = "node-2:8081,node-3:8082" });

        Assert.Equal(["node-2", "node-3"], settings.Peers.Select(p => p.Name));
        Assert.All(settings.Peers, p => Assert.Equal("127.0.0.1", p.Host));
        Assert.Equal([8081, 8082], settings.Peers.Select(p => p.HttpPort));
    }

    public static TheoryData<string, string, string> Invalid => new()
    {
        { "RAFT_ELECTION_TIMEOUT_MIN", "300", "RAFT_ELECTION_TIMEOUT_MIN" }, // min == max (300)
        { "RAFT_ELECTION_TIMEOUT_MIN", "500", "RAFT_ELECTION_TIMEOUT_MIN" }, // min > max
        { "RAFT_HEARTBEAT_INTERVAL", "150", "RAFT_HEARTBEAT_INTERVAL" },     // heartbeat == election min (150)
        { "RAFT_HEARTBEAT_INTERVAL", "400", "RAFT_HEARTBEAT_INTERVAL" },
        { "RAFT_PEERS", "node-2:9001,node-2:9002", "RAFT_PEERS" },           // duplicate peer id
        { "RAFT_PEERS", "node-1:9001,node-2:9002", "RAFT_PEERS" },           // own id among the peers
        { "RAFT_PEERS", "node-2:99999", "RAFT_PEERS" },
        { "RAFT_PEERS", "node-2", "RAFT_PEERS" },
        { "RAFT_PEERS", "node-2:http", "RAFT_PEERS" },
        { "RAFT_PORT", "0", "RAFT_PORT" },
        { "RAFT_PORT", "70000", "RAFT_PORT" },
        { "RAFT_PORT", "http", "RAFT_PORT" },
        { "RAFT_PORT", "-1", "RAFT_PORT" },
        { "RAFT_PEER_PORT", "65536", "RAFT_PEER_PORT" },
        { "RAFT_PEER_PORT", "8080", "RAFT_PEER_PORT" },                      // same as RAFT_PORT
        { "RAFT_READ_MODE", "eventual", "RAFT_READ_MODE" },
        { "RAFT_READ_MODE", "1", "RAFT_READ_MODE" },                         // Enum.TryParse takes numbers
        { "RAFT_READ_MODE", "7", "RAFT_READ_MODE" },                         // ... even undefined ones
        { "RAFT_TICK_MS", "100", "RAFT_TICK_MS" },                           // above the heartbeat interval
        { "RAFT_REQUEST_TIMEOUT_MS", "soon", "RAFT_REQUEST_TIMEOUT_MS" },
        { "RAFT_MAX_KEY_BYTES", "0", "RAFT_MAX_KEY_BYTES" },
        { "RAFT_MAX_VALUE_BYTES", "-5", "RAFT_MAX_VALUE_BYTES" },
        { "RAFT_MAX_BODY_BYTES", "1e6", "RAFT_MAX_BODY_BYTES" },
        { "RAFT_BIND_ADDRESS", "localhost:80", "RAFT_BIND_ADDRESS" },
        { "RAFT_NODE_ID", "node,1", "RAFT_NODE_ID" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_setting_is_refused_with_a_message_naming_it(string key, string value, string named)
    {
        var error = Assert.Throws<ServerConfigurationException>(() => Load(new()
        {
            ["RAFT_NODE_ID"] = "node-1",
            ["RAFT_PORT"] = "8080",
            ["RAFT_PEER_PORT"] = "9080",
            ["RAFT_ELECTION_TIMEOUT_MIN"] = "150",
            ["RAFT_ELECTION_TIMEOUT_MAX"] = "300",
            ["RAFT_HEARTBEAT_INTERVAL"] = "50",
            [key] = value,
        }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_directory_that_cannot_be_created_is_refused_naming_RAFT_DATA_DIR()
    {
        var file = directory.Sub("a-regular-file");
        File.WriteAllText(file, "not a directory");

        var error = Assert.Throws<ServerConfigurationException>(() => Load(new() { ["RAFT_DATA_DIR"] = Path.Combine(file, "data") }));

        Assert.Contains("RAFT_DATA_DIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_refuses_to_build_with_an_invalid_setting()
    {
        var error = Assert.Throws<ServerConfigurationException>(() => RaftServerApp.Build([], config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RAFT_NODE_ID"] = "node-1",
            ["RAFT_PORT"] = "8080",
            ["RAFT_PEER_PORT"] = "9080",
            ["RAFT_PEERS"] = "",
            ["RAFT_DATA_DIR"] = directory.Sub("data"),
            ["RAFT_ELECTION_TIMEOUT_MIN"] = "300",
            ["RAFT_ELECTION_TIMEOUT_MAX"] = "200",
            ["RAFT_HEARTBEAT_INTERVAL"] = "50",
            ["RAFT_TICK_MS"] = "10",
        })));

        Assert.Contains("RAFT_ELECTION_TIMEOUT", error.Message, StringComparison.Ordinal);
    }

    private ServerSettings Load(Dictionary<string, string?> values)
    {
        values.TryAdd("RAFT_DATA_DIR", directory.Sub("data"));
        return ServerSettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }
}
