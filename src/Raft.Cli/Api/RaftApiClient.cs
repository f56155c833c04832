using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Raft.Cli.Api;

/// <summary>
/// The HTTP client of the Raft key-value API. One instance holds one connection pool (HTTP/1.1, keep-alive) and
/// may be used concurrently; every request is bounded by the timeout given at construction. Transport failures,
/// timeouts and malformed answers surface as <see cref="RaftApiException"/>; HTTP error statuses of
/// <c>/command</c> are returned in the <see cref="CommandReply"/>, since the caller decides what they mean.
/// </summary>
internal sealed class RaftApiClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient http;

    public RaftApiClient(Uri baseAddress, TimeSpan timeout, int maxConnectionsPerServer = 4)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnectionsPerServer, 1);
        BaseAddress = baseAddress;
        Timeout = timeout;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnectionsPerServer,
            ConnectTimeout = timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        http = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <summary>The node requests go to unless another is named.</summary>
    public Uri BaseAddress { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Sends a command to <c>POST /command</c> of <see cref="BaseAddress"/>.</summary>
    public async Task<CommandReply> SendCommandAsync(KeyValueCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        Uri uri = new(BaseAddress, "command");
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(command, ApiJsonContext.Default.KeyValueCommand);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonMediaType;
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        (HttpStatusCode status, byte[] responseBody, TimeSpan? retryAfter) = await SendAsync(request, cancellationToken).ConfigureAwait(false);

        CommandResponse? parsed = TryParse(responseBody, ApiJsonContext.Default.CommandResponse);
        if (parsed is null || (parsed.Success is null && parsed.Error is null))
        {
            // Not the API's JSON (a proxy's error page, another service on the port, a truncated body).
            var kind = status == HttpStatusCode.ServiceUnavailable ? RaftApiErrorKind.Unavailable : RaftApiErrorKind.InvalidResponse;
            throw new RaftApiException(kind, $"unexpected response from {uri}: HTTP {(int)status}, {Describe(responseBody)}");
        }

        if (retryAfter is null && parsed.RetryAfterMs is long ms && ms >= 0)
        {
            retryAfter = TimeSpan.FromMilliseconds(ms);
        }

        return new CommandReply(status, parsed, retryAfter);
    }

    /// <summary>Reads <c>GET /status</c> of <paramref name="node"/> (or of <see cref="BaseAddress"/>).</summary>
    public async Task<NodeStatusReply> GetStatusAsync(Uri? node, CancellationToken cancellationToken)
    {
        Uri uri = new(node ?? BaseAddress, "status");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        (HttpStatusCode status, byte[] body, _) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw StatusError(uri, status, body);
        }

        JsonElement raw = TryParse(body, ApiJsonContext.Default.JsonElement);
        NodeStatus? parsed = raw.ValueKind == JsonValueKind.Object ? raw.Deserialize(ApiJsonContext.Default.NodeStatus) : null;
        return parsed is null
            ? throw new RaftApiException(RaftApiErrorKind.InvalidResponse, $"unexpected response from {uri}: {Describe(body)}")
            : new NodeStatusReply(parsed, raw);
    }

    /// <summary>Reads <c>GET /health</c> of <see cref="BaseAddress"/>; any HTTP status is returned, not thrown.</summary>
    public async Task<HealthReply> GetHealthAsync(CancellationToken cancellationToken)
    {
        Uri uri = new(BaseAddress, "health");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        (HttpStatusCode status, byte[] body, _) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return new HealthReply(status, Encoding.UTF8.GetString(body));
    }

    public void Dispose() => http.Dispose();

    /// <summary>Normalises what a user types as an address: <c>host:port</c> gets <c>http://</c>, the path ends in '/'.</summary>
    public static bool TryParseAddress(string? text, out Uri address, out string error)
    {
        address = null!;
        error = string.Empty;
        string trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            error = "the address is empty";
            return false;
        }

        if (!trimmed.Contains("://", StringComparison.Ordinal))
        {
            trimmed = "http://" + trimmed;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            error = $"'{text}' is not an http(s) address such as http://127.0.0.1:8080";
            return false;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"'{text}' is not an http(s) address such as http://127.0.0.1:8080 (user names and passwords are not supported)";
            return false;
        }

        var builder = new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        address = builder.Uri;
        return true;
    }

    /// <summary>An address for messages: no trailing '/' on a bare host, so it reads as the user typed it.</summary>
    public static string Display(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        string text = address.ToString();
        return address.AbsolutePath == "/" ? text.TrimEnd('/') : text;
    }

    private async Task<(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter)> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(Timeout);
        Uri target = new(request.RequestUri!.GetLeftPart(UriPartial.Authority));
        try
        {
            using HttpResponseMessage response = await http
                .SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutSource.Token)
                .ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(timeoutSource.Token).ConfigureAwait(false);
            return (response.StatusCode, body, RetryAfterOf(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RaftApiException(
                RaftApiErrorKind.Timeout,
                $"no response from {Display(target)} within {DurationParser.Format(Timeout)}");
        }
        catch (HttpRequestException e)
        {
            throw new RaftApiException(RaftApiErrorKind.Unreachable, $"cannot reach {Display(target)}: {Reason(e)}", e);
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is TimeSpan delta)
        {
            return delta;
        }

        return retryAfter?.Date is DateTimeOffset date ? date - DateTimeOffset.UtcNow : null;
    }

    private static string Reason(HttpRequestException exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                    SocketError.ConnectionReset => "connection reset by the server",
                    _ => OneLine.From(socket.Message),
                };
            }
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.ResponseEnded => "the server closed the connection without a complete response",
            HttpRequestError.InvalidResponse => "the server sent an invalid HTTP response",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            _ => OneLine.From(exception.InnerException?.Message ?? exception.Message),
        };
    }

    private static RaftApiException StatusError(Uri uri, HttpStatusCode status, byte[] body)
    {
        string? serverError = TryParse(body, ApiJsonContext.Default.CommandResponse)?.Error;
        string detail = serverError is null ? Describe(body) : OneLine.From(serverError);
        var kind = status == HttpStatusCode.ServiceUnavailable ? RaftApiErrorKind.Unavailable : RaftApiErrorKind.Rejected;
        return new RaftApiException(kind, $"{uri} answered HTTP {(int)status}: {detail}");
    }

    private static T? TryParse<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        if (body.Length == 0)
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string Describe(byte[] body)
    {
        if (body.Length == 0)
        {
            return "empty body";
        }

        const int Shown = 80;
        string text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, Shown));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"body is not the API's JSON ({body.Length} bytes: \"{OneLine.From(text)}{(body.Length > Shown ? "..." : string.Empty)}\")");
    }
}
