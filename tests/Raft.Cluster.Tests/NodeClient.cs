using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Raft.Cluster.Tests;

/// <summary>HTTP client of one node's API: POST /command, GET /status, /health and /metrics.</summary>
internal sealed class NodeClient : IDisposable
{
    /// <summary>Longer than the server's own bound on a forwarded request (RAFT_REQUEST_TIMEOUT_MS + 1 s).</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(8);

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient http;

    public NodeClient(string name, Uri address)
    {
        Name = name;
        Address = address;
        http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            BaseAddress = address,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public string Name { get; }

    public Uri Address { get; }

    public Task<CommandReply> SetAsync(string key, string value, CancellationToken cancellationToken = default) =>
        CommandAsync(new CommandBody("SET", key, value), cancellationToken);

    public Task<CommandReply> GetAsync(string key, CancellationToken cancellationToken = default) =>
        CommandAsync(new CommandBody("GET", key, null), cancellationToken);

    public Task<CommandReply> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        CommandAsync(new CommandBody("DELETE", key, null), cancellationToken);

    /// <summary>The node's /status, or null when it does not answer 200 promptly (down, paused, starting).</summary>
    public async Task<NodeStatus?> TryStatusAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatusTimeout);
        try
        {
            using var response = await http.GetAsync(new Uri("/status", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? await response.Content.ReadFromJsonAsync<NodeStatus>(timeout.Token).ConfigureAwait(false)
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<NodeStatus> StatusAsync(CancellationToken cancellationToken = default) =>
        await TryStatusAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"{Name} ({Address}) did not answer GET /status.");

    public async Task<string> MetricsAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatusTimeout);
        return await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), timeout.Token).ConfigureAwait(false);
    }

    /// <summary>The value of an unlabelled Prometheus sample named <paramref name="metric"/> in /metrics, or null if absent.</summary>
    public async Task<double?> MetricAsync(string metric, CancellationToken cancellationToken = default)
    {
        var text = await MetricsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == metric)
            {
                return double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    public void Dispose() => http.Dispose();

    private async Task<CommandReply> CommandAsync(CommandBody body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri("/command", UriKind.Relative), body, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                var reply = JsonSerializer.Deserialize<ReplyBody>(text);
                return new CommandReply(response.StatusCode, reply?.Success ?? false, reply?.Result, reply?.Error, null);
            }
            catch (JsonException)
            {
                return new CommandReply(response.StatusCode, false, null, $"not the API's JSON: {text}", null);
            }
        }
        catch (HttpRequestException e)
        {
            return CommandReply.NoAnswer(e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CommandReply.NoAnswer($"no answer within {CommandTimeout.TotalSeconds:0} s");
        }
    }

    private sealed record CommandBody(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("value")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value);

    private sealed record ReplyBody(
        [property: JsonPropertyName("success")] bool Success,
        [property: JsonPropertyName("result")] string? Result,
        [property: JsonPropertyName("error")] string? Error);
}
