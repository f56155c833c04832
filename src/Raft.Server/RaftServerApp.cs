using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Raft.Server;

/// <summary>Builds the raft-server web application: configuration, the Raft node, and the HTTP API.</summary>
public static class RaftServerApp
{
    private static readonly string[] LevelNames = ["trace", "debug", "info", "information", "warn", "warning", "error", "critical", "none"];

    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        // The host's default appsettings.json source reloads on change through a FileSystemWatcher on the content root,
        // recursively: with the data directory under the working directory (the default, ./data/node-1), every log write
        // woke the watcher, about a tenth of a node's CPU (perf). Settings are read once at start anyway.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args, ServerSettings.SwitchMappings.ToDictionary());
        configure?.Invoke(builder.Configuration);

        var settings = ServerSettings.Load(builder.Configuration);
        ApplyLogLevel(builder.Configuration["RAFT_LOG_LEVEL"], builder.Logging);
        QuietRequestLogging(builder.Configuration["RAFT_LOG_LEVEL"], builder.Logging);
        // Per-request HttpClient logs (forwarded writes) cost CPU on every request and say nothing an operator needs.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(settings.BindAddress, settings.Port);
            kestrel.Limits.MaxRequestBodySize = settings.MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<ClusterMembers>();
        builder.Services.AddSingleton<RaftNodeService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RaftNodeService>());
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<CommandExecutor>();
        builder.Services.AddHttpClient("leader", client => client.Timeout = TimeSpan.FromMilliseconds(settings.RequestTimeoutMs + 1000));

        var app = builder.Build();
        MapEndpoints(app, settings);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var node = app.Services.GetRequiredService<RaftNodeService>();
            app.Services.GetRequiredService<ServerMetrics>().Attach(node.Host);
            app.Logger.LogInformation("HTTP server address: {Address}:{Port}", settings.BindAddress, settings.Port);
        });
        return app;
    }

    private static void ApplyLogLevel(string? level, ILoggingBuilder logging)
    {
        if (string.IsNullOrWhiteSpace(level))
        {
            return;
        }

        if (!LevelNames.Contains(level.Trim().ToLowerInvariant()))
        {
            throw new ServerConfigurationException($"RAFT_LOG_LEVEL '{level}' must be one of: debug, info, warn, error.");
        }

        logging.SetMinimumLevel(level.Trim().ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "critical" => LogLevel.Critical,
            "none" => LogLevel.None,
            _ => LogLevel.Information,
        });
    }

    /// <summary>
    /// ASP.NET Core logs every request at Information (request starting, endpoint executing, result written, endpoint
    /// executed, request finished): five console lines per request cost about half of the server's CPU under load. As in
    /// the ASP.NET Core templates, its categories log warnings and errors only, unless RAFT_LOG_LEVEL asks for debug or trace.
    /// </summary>
    private static void QuietRequestLogging(string? level, ILoggingBuilder logging)
    {
        if (level?.Trim().ToLowerInvariant() is "debug" or "trace")
        {
            return;
        }

        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }

    private static void MapEndpoints(WebApplication app, ServerSettings settings)
    {
        app.MapPost("/command", async (HttpContext context, CommandExecutor executor) =>
        {
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Reply(400, CommandResponse.Fail($"malformed JSON: {e.Message}"));
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Reply(413, CommandResponse.Fail($"request body over the limit of {settings.MaxBodyBytes} bytes (RAFT_MAX_BODY_BYTES)"));
            }

            using (document)
            {
                var (request, status, error) = CommandParser.Parse(document, settings);
                if (request is null)
                {
                    return Reply(status, CommandResponse.Fail(error!));
                }

                var forwarded = context.Request.Headers.ContainsKey(CommandExecutor.ForwardedHeader);
                var (code, body) = await executor.ExecuteAsync(request, forwarded, context.RequestAborted).ConfigureAwait(false);
                return Reply(code, body);
            }
        });

        app.MapGet("/v1/kv/{key}", async (string key, HttpContext context, CommandExecutor executor) =>
            await Execute(new KvRequest("GET", RouteKey(key), null), context, executor, settings).ConfigureAwait(false));
        app.MapDelete("/v1/kv/{key}", async (string key, HttpContext context, CommandExecutor executor) =>
            await Execute(new KvRequest("DELETE", RouteKey(key), null), context, executor, settings).ConfigureAwait(false));
        app.MapPut("/v1/kv/{key}", async (string key, HttpContext context, CommandExecutor executor) =>
        {
            string value;
            try
            {
                using var reader = new StreamReader(context.Request.Body);
                value = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Reply(413, CommandResponse.Fail($"request body over the limit of {settings.MaxBodyBytes} bytes (RAFT_MAX_BODY_BYTES)"));
            }

            return await Execute(new KvRequest("SET", RouteKey(key), value), context, executor, settings).ConfigureAwait(false);
        });

        app.MapGet("/status", (RaftNodeService node) => Results.Json(StatusResponse.From(node)));
        app.MapGet("/health", (RaftNodeService node) =>
            node.Host.Failure is null ? Results.Text("OK") : Results.Text($"FAILED: {node.Host.Failure.Message}", statusCode: 503));
        app.MapGet("/metrics", async (HttpContext context, ServerMetrics metrics) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.WriteAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
    }

    // Routing decodes every escape in a path segment except %2F (so that it cannot split segments): a key may contain '/'.
    private static string RouteKey(string key) => key.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> Execute(KvRequest request, HttpContext context, CommandExecutor executor, ServerSettings settings)
    {
        var (valid, status, error) = CommandParser.Validate(request, settings);
        if (valid is null)
        {
            return Reply(status, CommandResponse.Fail(error!));
        }

        var forwarded = context.Request.Headers.ContainsKey(CommandExecutor.ForwardedHeader);
        var (code, body) = await executor.ExecuteAsync(valid, forwarded, context.RequestAborted).ConfigureAwait(false);
        return Reply(code, body);
    }

    private static IResult Reply(int status, CommandResponse body)
    {
        if (body.RetryAfterMs is { } retry)
        {
            return new RetryAfterResult(status, body, retry);
        }

        return Results.Json(body, statusCode: status);
    }

    private sealed class RetryAfterResult(int status, CommandResponse body, int retryAfterMs) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfterMs / 1000.0)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(body, statusCode: status).ExecuteAsync(httpContext);
        }
    }
}
