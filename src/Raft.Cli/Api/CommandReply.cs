using System.Net;

namespace Raft.Cli.Api;

/// <summary>A parsed answer to <c>POST /command</c>: the HTTP status together with the JSON body.</summary>
internal sealed record CommandReply(HttpStatusCode StatusCode, CommandResponse Body, TimeSpan? RetryAfter)
{
    /// <summary>Success is judged by the body, as the contract says: HTTP 200 and <c>"success": true</c>.</summary>
    public bool Succeeded => StatusCode == HttpStatusCode.OK && Body.Success == true;

    /// <summary>The server's error message, or a description of the status when the body has none.</summary>
    public string ErrorMessage =>
        string.IsNullOrWhiteSpace(Body.Error)
            ? StatusCode == HttpStatusCode.OK ? "request failed (\"success\": false with no error message)" : $"HTTP {(int)StatusCode}"
            : OneLine.From(Body.Error);
}
