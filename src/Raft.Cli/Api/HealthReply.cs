using System.Net;

namespace Raft.Cli.Api;

/// <summary>The answer to <c>GET /health</c>.</summary>
internal sealed record HealthReply(HttpStatusCode StatusCode, string Body)
{
    public bool IsHealthy => StatusCode == HttpStatusCode.OK;
}
