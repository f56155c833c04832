using System.CommandLine;
using System.Globalization;
using System.Net;
using Raft.Cli.Api;
using Raft.Cli.Hosting;

namespace Raft.Cli.Commands;

/// <summary><c>health</c>: <c>GET /health</c> of one node; prints its answer (<c>OK</c>) and exits 0 when it is 200.</summary>
internal static class HealthCommand
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("health", "Check that a node is up: GET /health, prints OK on success.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!options.TryResolve(parseResult, host, out ConnectionSettings settings))
            {
                return ExitCodes.Usage;
            }

            using var client = new RaftApiClient(settings.Address, settings.Timeout, maxConnectionsPerServer: 1);
            return await CommandRunner.RunAsync(host, async () =>
            {
                HealthReply reply = await client.GetHealthAsync(cancellationToken).ConfigureAwait(false);
                string body = OneLine.From(reply.Body);
                if (reply.IsHealthy)
                {
                    await host.Output.WriteLineAsync(body.Length == 0 ? "OK" : body).ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                string node = RaftApiClient.Display(client.BaseAddress);
                string detail = body.Length == 0 ? string.Empty : ": " + body;
                await host.Error.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture, $"error: {node} is unhealthy: HTTP {(int)reply.StatusCode}{detail}")).ConfigureAwait(false);
                return reply.StatusCode == HttpStatusCode.ServiceUnavailable ? ExitCodes.Unavailable : ExitCodes.RequestFailed;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
