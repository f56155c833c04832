using System.CommandLine;
using System.Text.Json;
using Raft.Cli.Api;
using Raft.Cli.Hosting;

namespace Raft.Cli.Status;

/// <summary><c>status [--json]</c>: the state of every node of the cluster, as a table or as JSON.</summary>
internal static class StatusCommand
{
    public const string Epilogue =
        """
        The node at --address is asked for GET /status; then every node in its "members" list is asked the same,
        in parallel, each within --timeout. A node that does not answer is shown as "unreachable" with the reason.
        Lag = the leader's commit index minus the node's applied index; for an unreachable node, the leader's
        commit index minus the node's match index as the leader reports it. "-" means unknown.
        --json prints {"queried_address", "leader_id", "term", "nodes": [{"node_id", "address", "reachable",
        "error", "role", "term", "leader_id", "commit_index", "last_applied", "log_length", "lag",
        "replication": {"match_index", "next_index", "progress"} | null, "status": <the node's /status> | null}]}.
        """;

    public static Command Create(GlobalOptions options, CliHost host)
    {
        var json = new Option<bool>("--json") { Description = "Print the collected statuses as one JSON object instead of a table." };
        var command = new Command("status", "Show every node of the cluster: role, term, leader, commit/applied index, log length, lag.") { json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!options.TryResolve(parseResult, host, out ConnectionSettings settings))
            {
                return ExitCodes.Usage;
            }

            using var client = new RaftApiClient(settings.Address, settings.Timeout, maxConnectionsPerServer: 2);
            return await CommandRunner.RunAsync(host, async () =>
            {
                StatusReport report = await StatusCollector.CollectAsync(client, cancellationToken).ConfigureAwait(false);
                if (parseResult.GetValue(json))
                {
                    await host.Output.WriteLineAsync(JsonSerializer.Serialize(report, ReportJsonContext.Default.StatusReport)).ConfigureAwait(false);
                }
                else
                {
                    StatusTable.Write(ConsoleFactory.Create(host), report);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        return command;
    }
}
