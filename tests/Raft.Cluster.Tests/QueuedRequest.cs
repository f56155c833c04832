using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Raft.Cluster.Tests;

/// <summary>
/// A /command request written on a raw TCP connection, so that it can be handed to a paused (SIGSTOPped) server: the kernel
/// completes the connection and, on loopback, the request bytes are in the server's receive queue once the write returns. The
/// server reads and handles it the moment it is resumed. The answer is read later with <see cref="ReadReplyAsync"/>.
/// </summary>
internal sealed class QueuedRequest : IDisposable
{
    private readonly TcpClient connection;

    private QueuedRequest(TcpClient connection, string description)
    {
        this.connection = connection;
        Description = description;
    }

    public string Description { get; }

    public static async Task<QueuedRequest> SendAsync(ServerNode node, string type, string key, string? value = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var body = JsonSerializer.Serialize(value is null
            ? new Dictionary<string, string> { ["type"] = type, ["key"] = key }
            : new Dictionary<string, string> { ["type"] = type, ["key"] = key, ["value"] = value });
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"POST /command HTTP/1.1\r\nHost: 127.0.0.1:{node.HttpPort}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"));
        var connection = new TcpClient { NoDelay = true };
        try
        {
            await connection.ConnectAsync(IPAddress.Loopback, node.HttpPort).ConfigureAwait(false);
            var stream = connection.GetStream();
            await stream.WriteAsync(head).ConfigureAwait(false);
            await stream.WriteAsync(bytes).ConfigureAwait(false);
            await stream.FlushAsync().ConfigureAwait(false);
            return new QueuedRequest(connection, $"{type} {key}{(value is null ? "" : $"={value}")} via {node.Name}");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Reads the whole answer (the server closes the connection after it) and parses it.</summary>
    public async Task<CommandReply> ReadReplyAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var buffer = new MemoryStream();
            await connection.GetStream().CopyToAsync(buffer, cancel.Token).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(buffer.ToArray());
            var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var statusLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
            var status = (HttpStatusCode)int.Parse(statusLine[1], CultureInfo.InvariantCulture);
            var payload = split < 0 ? "" : text[(split + 4)..];
            if (payload.Length > 0 && payload[0] != '{')
            {
                // Chunked transfer encoding: the JSON object sits between the chunk size lines.
                payload = payload[payload.IndexOf('{', StringComparison.Ordinal)..(payload.LastIndexOf('}') + 1)];
            }

            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            return new CommandReply(
                status,
                root.TryGetProperty("success", out var success) && success.GetBoolean(),
                root.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.String ? result.GetString() : null,
                root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String ? error.GetString() : null,
                null);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return CommandReply.NoAnswer($"{e.GetType().Name}: {e.Message}");
        }
    }

    public void Dispose() => connection.Dispose();
}
