using System.Net;

namespace Raft.Cluster.Tests;

/// <summary>
/// The outcome of one /command request: the HTTP status and the seed's body (success, result, error), or the transport
/// failure when there was no answer. Acknowledged means HTTP 200 with "success": true.
/// </summary>
internal sealed record CommandReply(HttpStatusCode? Status, bool Success, string? Result, string? Error, string? TransportError)
{
    public bool Acknowledged => Status == HttpStatusCode.OK && Success;

    public static CommandReply NoAnswer(string error) => new(null, false, null, null, error);

    public override string ToString() => Status is { } status
        ? $"HTTP {(int)status} success={Success} result={Result ?? "null"} error={Error ?? "null"}"
        : $"no answer: {TransportError}";
}
