using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Raft.Cli.Tests.Fakes;

/// <summary>
/// An in-process stand-in for <c>raft-server</c>'s HTTP API (POST /command, GET /status, /health, /metrics,
/// /v1/kv/{key}) over an in-memory dictionary, bound to 127.0.0.1 on a port the OS picks. Switches make it
/// answer 503, garbage, hang, or fail every n-th command with HTTP 200 and <c>"success": false</c>.
/// </summary>
internal sealed class FakeRaftServer : IAsyncDisposable
{
    public const int MaxKeyLength = 256;
    public const string NoLeaderError = "no leader: election in progress (term 7)";
    public const string InjectedError = "injected failure";

    private readonly WebApplication app;
    private readonly CancellationTokenSource stopping = new();
    private long commandCount;
    private bool disposed;

    private FakeRaftServer(WebApplication app, string nodeId)
    {
        this.app = app;
        NodeId = nodeId;
    }

    public ConcurrentDictionary<string, string> Data { get; } = new(StringComparer.Ordinal);

    public Uri Address { get; private set; } = null!;

    public string NodeId { get; }

    public FakeServerMode Mode { get; set; }

    /// <summary>When positive, every n-th <c>/command</c> (counted from 1) answers 200 with <c>"success": false</c> and is not applied.</summary>
    public int FailEveryNthCommand { get; set; }

    /// <summary>Raft state as /status reports it: 0 follower, 1 candidate, 2 leader.</summary>
    public int State { get; set; } = 2;

    public long Term { get; set; } = 1;

    public string? LeaderId { get; set; }

    public long CommitIndex { get; set; }

    public long LastApplied { get; set; }

    public long LogLength { get; set; }

    public IReadOnlyList<FakeMember> Members { get; set; } = [];

    public long CommandCount => Interlocked.Read(ref commandCount);

    public static async Task<FakeRaftServer> StartAsync(string nodeId = "node-1")
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        WebApplication app = builder.Build();
        var server = new FakeRaftServer(app, nodeId) { LeaderId = nodeId };
        server.Map(app);
        await app.StartAsync().ConfigureAwait(false);
        server.Address = new Uri(app.Urls.Single());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await stopping.CancelAsync().ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        stopping.Dispose();
    }

    private static string RoleOf(int state) => state switch
    {
        0 => "Follower",
        1 => "Candidate",
        2 => "Leader",
        _ => "Unknown",
    };

    private void Map(WebApplication application)
    {
        application.MapPost("/command", HandleCommandAsync);
        application.MapGet("/status", context => Guarded(context, () => WriteJsonAsync(context, HttpStatusCode.OK, StatusJson())));
        application.MapGet("/health", context => Guarded(context, () => WriteTextAsync(context, HttpStatusCode.OK, "OK")));
        application.MapGet("/metrics", context => Guarded(context, () => WriteTextAsync(
            context, HttpStatusCode.OK, $"raft_current_term {Term}\nraft_commit_index {CommitIndex}\nraft_state {State}\n")));
        application.MapGet("/v1/kv/{key}", context => Guarded(context, () =>
        {
            string key = (string)context.Request.RouteValues["key"]!;
            return Data.TryGetValue(key, out string? value)
                ? WriteTextAsync(context, HttpStatusCode.OK, value)
                : WriteJsonAsync(context, HttpStatusCode.NotFound, Reply(false, null, "key not found"));
        }));
        application.MapPut("/v1/kv/{key}", context => Guarded(context, async () =>
        {
            using var reader = new StreamReader(context.Request.Body);
            Apply((string)context.Request.RouteValues["key"]!, await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false));
            await WriteJsonAsync(context, HttpStatusCode.OK, Reply(true, null, null)).ConfigureAwait(false);
        }));
        application.MapDelete("/v1/kv/{key}", context => Guarded(context, () =>
        {
            Apply((string)context.Request.RouteValues["key"]!, null);
            return WriteJsonAsync(context, HttpStatusCode.OK, Reply(true, null, null));
        }));
    }

    private async Task Guarded(HttpContext context, Func<Task> normal)
    {
        switch (Mode)
        {
            case FakeServerMode.Garbage:
                await WriteTextAsync(context, HttpStatusCode.OK, "<html><body>I am not a Raft node</body></html>").ConfigureAwait(false);
                return;
            case FakeServerMode.Hang:
                using (var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping.Token))
                {
                    // Held until the client disconnects (its timeout) or the server stops; then nothing is written.
                    await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                }

                return;
            default:
                await normal().ConfigureAwait(false);
                return;
        }
    }

    private Task HandleCommandAsync(HttpContext context) => Guarded(context, async () =>
    {
        if (Mode == FakeServerMode.Unavailable)
        {
            context.Response.Headers.RetryAfter = "1";
            JsonObject unavailable = Reply(false, null, NoLeaderError);
            unavailable["retry_after_ms"] = 1000;
            await WriteJsonAsync(context, HttpStatusCode.ServiceUnavailable, unavailable).ConfigureAwait(false);
            return;
        }

        JsonObject? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<JsonObject>(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            await WriteJsonAsync(context, HttpStatusCode.BadRequest, Reply(false, null, "invalid JSON")).ConfigureAwait(false);
            return;
        }

        string? type = (string?)request["type"];
        string? key = (string?)request["key"];
        string? value = (string?)request["value"];
        if (string.IsNullOrEmpty(key))
        {
            await WriteJsonAsync(context, HttpStatusCode.BadRequest, Reply(false, null, "missing key")).ConfigureAwait(false);
            return;
        }

        if (key.Length > MaxKeyLength)
        {
            await WriteJsonAsync(context, HttpStatusCode.RequestEntityTooLarge, Reply(false, null, "key too large")).ConfigureAwait(false);
            return;
        }

        long count = Interlocked.Increment(ref commandCount);
        if (FailEveryNthCommand > 0 && count % FailEveryNthCommand == 0)
        {
            await WriteJsonAsync(context, HttpStatusCode.OK, Reply(false, null, InjectedError)).ConfigureAwait(false);
            return;
        }

        switch (type)
        {
            case "SET" when value is not null:
                Apply(key, value);
                await WriteJsonAsync(context, HttpStatusCode.OK, Reply(true, null, null)).ConfigureAwait(false);
                break;
            case "SET":
                await WriteJsonAsync(context, HttpStatusCode.BadRequest, Reply(false, null, "missing value")).ConfigureAwait(false);
                break;
            case "GET":
                await (Data.TryGetValue(key, out string? found)
                    ? WriteJsonAsync(context, HttpStatusCode.OK, Reply(true, found, null))
                    : WriteJsonAsync(context, HttpStatusCode.NotFound, Reply(false, null, "key not found"))).ConfigureAwait(false);
                break;
            case "DELETE":
                Apply(key, null);
                await WriteJsonAsync(context, HttpStatusCode.OK, Reply(true, null, null)).ConfigureAwait(false);
                break;
            default:
                await WriteJsonAsync(context, HttpStatusCode.BadRequest, Reply(false, null, $"unknown command type '{type}'")).ConfigureAwait(false);
                break;
        }
    });

    private void Apply(string key, string? value)
    {
        if (value is null)
        {
            Data.TryRemove(key, out _);
        }
        else
        {
            Data[key] = value;
        }

        lock (Data)
        {
            LogLength++;
            CommitIndex++;
            LastApplied++;
        }
    }

    private JsonObject StatusJson()
    {
        bool leader = State == 2;
        var members = new JsonArray();
        foreach (FakeMember member in Members)
        {
            members.Add(new JsonObject
            {
                ["node_id"] = member.NodeId,
                ["address"] = member.Address,
                ["match_index"] = leader ? member.MatchIndex : null,
                ["next_index"] = leader ? member.NextIndex : null,
                ["progress"] = leader ? member.Progress : null,
            });
        }

        return new JsonObject
        {
            ["node_id"] = NodeId,
            ["state"] = State,
            ["current_term"] = Term,
            ["leader_id"] = LeaderId,
            ["commit_index"] = CommitIndex,
            ["last_applied"] = LastApplied,
            ["log_length"] = LogLength,
            ["peers"] = new JsonArray(Members.Select(m => (JsonNode?)JsonValue.Create(m.NodeId)).ToArray()),
            ["role"] = RoleOf(State),
            ["members"] = members,
        };
    }

    private static JsonObject Reply(bool success, string? result, string? error) => new()
    {
        ["success"] = success,
        ["result"] = result,
        ["error"] = error,
    };

    private static Task WriteJsonAsync(HttpContext context, HttpStatusCode status, JsonNode body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static Task WriteTextAsync(HttpContext context, HttpStatusCode status, string body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }
}
