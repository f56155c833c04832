using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Raft.Server.Tests;

/// <summary>
/// One raft-server running in this process (real Kestrel on 127.0.0.1), configured only through the in-memory settings
/// given here: every RAFT_* key is set explicitly, so the test process's environment cannot change it.
/// It can be stopped and started again on the same ports and data directory.
/// </summary>
internal sealed class ServerNode : IAsyncDisposable
{
    private WebApplication? app;
    private HttpClient? client;

    public ServerNode(string name, int httpPort, int peerPort, string dataDirectory, Dictionary<string, string?> settings)
    {
        Name = name;
        HttpPort = httpPort;
        PeerPort = peerPort;
        DataDirectory = dataDirectory;
        Settings = settings;
    }

    public string Name { get; }

    public int HttpPort { get; }

    public int PeerPort { get; }

    public string DataDirectory { get; }

    /// <summary>The configuration the next <see cref="StartAsync"/> uses (may be changed while stopped).</summary>
    public Dictionary<string, string?> Settings { get; }

    public bool IsRunning => app is not null;

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public HttpClient Client => client ?? throw new InvalidOperationException($"{Name} is not running.");

    /// <summary>The settings every test server starts from; the caller overrides what it needs.</summary>
    public static Dictionary<string, string?> DefaultSettings(string name, int httpPort, int peerPort, string dataDirectory) => new()
    {
        ["RAFT_NODE_ID"] = name,
        ["RAFT_BIND_ADDRESS"] = "127.0.0.1",
        ["RAFT_PORT"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RAFT_PEER_PORT"] = peerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RAFT_PEER_PORT_OFFSET"] = "",
        ["RAFT_PEERS"] = "",
        ["RAFT_DATA_DIR"] = dataDirectory,
        ["RAFT_CLUSTER_ID"] = "raft-server-tests",
        ["RAFT_ELECTION_TIMEOUT_MIN"] = "300",
        ["RAFT_ELECTION_TIMEOUT_MAX"] = "600",
        ["RAFT_HEARTBEAT_INTERVAL"] = "50",
        ["RAFT_TICK_MS"] = "10",
        ["RAFT_SNAPSHOT_INTERVAL"] = "100000",
        ["RAFT_READ_MODE"] = "linearizable",
        ["RAFT_REQUEST_TIMEOUT_MS"] = "5000",
        ["RAFT_MAX_BODY_BYTES"] = "1048576",
        ["RAFT_MAX_KEY_BYTES"] = "4096",
        ["RAFT_MAX_VALUE_BYTES"] = "524288",
        ["RAFT_LOG_LEVEL"] = "error",
    };

    public async Task StartAsync()
    {
        if (app is not null)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var built = RaftServerApp.Build([], config => config.AddInMemoryCollection(Settings));
        try
        {
            await built.StartAsync();
        }
        catch
        {
            await built.DisposeAsync();
            throw;
        }

        app = built;
        client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task StopAsync()
    {
        client?.Dispose();
        client = null;
        if (app is { } running)
        {
            app = null;
            try
            {
                await running.StopAsync();
            }
            finally
            {
                await running.DisposeAsync();
            }
        }
    }

    public Task<ApiResponse> CommandAsync(string type, string key, string? value = null) =>
        PostJsonAsync(value is null ? new Dictionary<string, string> { ["type"] = type, ["key"] = key } : new Dictionary<string, string> { ["type"] = type, ["key"] = key, ["value"] = value });

    public Task<ApiResponse> SetAsync(string key, string value) => CommandAsync("SET", key, value);

    public Task<ApiResponse> GetAsync(string key) => CommandAsync("GET", key);

    public Task<ApiResponse> DeleteAsync(string key) => CommandAsync("DELETE", key);

    public async Task<ApiResponse> PostJsonAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/command", body);
        return await ApiResponse.ReadAsync(response);
    }

    public async Task<ApiResponse> PostRawAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync("/command", content);
        return await ApiResponse.ReadAsync(response);
    }

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        }

        using var response = await Client.SendAsync(request);
        return await ApiResponse.ReadAsync(response);
    }

    public async Task<JsonElement> StatusAsync()
    {
        using var response = await Client.GetAsync("/status");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public async Task<string> MetricsAsync()
    {
        using var response = await Client.GetAsync("/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public override string ToString() => $"{Name} (http {HttpPort}, peer {PeerPort})";
}
