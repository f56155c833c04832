using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Raft.KeyValue;
using Raft.Runtime;

namespace Raft.Server;

/// <summary>
/// Executes SET, GET and DELETE against this node, forwarding writes to the leader when this node is a follower. A request
/// already forwarded once is never forwarded again (no loops); a write whose outcome is unknown is never re-proposed.
/// </summary>
public sealed class CommandExecutor(RaftNodeService node, ServerSettings settings, IHttpClientFactory httpClients, ILogger<CommandExecutor> logger)
{
    public const string ForwardedHeader = "X-Raft-Forwarded";

    public async Task<(int Status, CommandResponse Body)> ExecuteAsync(KvRequest request, bool alreadyForwarded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            switch (request.Type)
            {
                case "GET":
                    if (settings.ReadMode == ReadMode.Linearizable)
                    {
                        await node.Host.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return node.StateMachine.TryGet(request.Key, out var value)
                        ? (200, CommandResponse.Ok(value))
                        : (404, CommandResponse.Fail($"key '{request.Key}' not found"));
                case "SET":
                    await node.Host.ReplicateAsync(new KvCommand(KvOperation.Set, request.Key, request.Value).Encode(), cancellationToken).ConfigureAwait(false);
                    return (200, CommandResponse.Ok());
                default:
                    await node.Host.ReplicateAsync(new KvCommand(KvOperation.Delete, request.Key, null).Encode(), cancellationToken).ConfigureAwait(false);
                    return (200, CommandResponse.Ok());
            }
        }
        catch (RaftRequestException e) when (e.Reason == RaftFailureReason.NotLeader && !alreadyForwarded && node.Members.AddressOf(e.LeaderId) is { } leader)
        {
            return await ForwardAsync(leader, request, cancellationToken).ConfigureAwait(false);
        }
        catch (RaftRequestException e)
        {
            return Unavailable(e);
        }
        catch (InvalidOperationException) when (!IsStarted())
        {
            return (503, CommandResponse.Fail("the node is starting or stopping; retry shortly") with { RetryAfterMs = 500 });
        }
    }

    public static (int Status, CommandResponse Body) Unavailable(RaftRequestException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var (message, retry) = e.Reason switch
        {
            RaftFailureReason.NotLeader => ("this node is not the leader and the leader is unknown or unreachable", 200),
            RaftFailureReason.NoLeader => ("no leader: an election is in progress or there is no quorum", 300),
            RaftFailureReason.NotCommitted => ("leadership changed before the write committed; it did not take effect and is safe to retry", 100),
            RaftFailureReason.Timeout => ($"timeout: {e.Message}", 500),
            RaftFailureReason.Overloaded => ("the cluster is overloaded; retry later", 200),
            RaftFailureReason.ShuttingDown => ("the node is shutting down; the outcome of a write in progress is unknown", 1000),
            _ => ($"the node has stopped serving: {e.Message}", 5000),
        };
        return (503, CommandResponse.Fail(message) with { RetryAfterMs = retry });
    }

    private bool IsStarted()
    {
        try
        {
            _ = node.Host;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<(int, CommandResponse)> ForwardAsync(PeerAddress leader, KvRequest request, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient("leader");
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(leader.HttpUri, "/command"))
        {
            Content = JsonContent.Create(new Dictionary<string, string?> { ["type"] = request.Type, ["key"] = request.Key, ["value"] = request.Value }),
        };
        message.Headers.Add(ForwardedHeader, "1");

        // If this node learns of another leader meanwhile, the old one will not answer usefully: stop waiting for it.
        using var leadership = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, node.LeadershipChanged);
        try
        {
            using var response = await client.SendAsync(message, leadership.Token).ConfigureAwait(false);
            var body = await response.Content.ReadFromJsonAsync<CommandResponse>(leadership.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, body ?? CommandResponse.Fail("the leader sent an empty answer"));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            logger.LogWarning("Forwarding {Type} to leader {Leader} failed: {Error}", request.Type, leader.Name, e.Message);

            // Only a failed connection proves the leader never saw the request; after that, a write may have been applied.
            var neverSent = e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };
            return (503, CommandResponse.Fail(neverSent || request.Type == "GET"
                ? $"the leader {leader.Name} is unreachable: {e.Message}"
                : $"the leader {leader.Name} did not answer ({e.Message}); the outcome of the write is unknown") with { RetryAfterMs = 300 });
        }
    }

    internal static HttpStatusCode StatusOf(int status) => (HttpStatusCode)status;
}
