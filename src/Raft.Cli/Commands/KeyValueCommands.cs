using System.CommandLine;
using System.Globalization;
using System.Net;
using Raft.Cli.Api;
using Raft.Cli.Hosting;

namespace Raft.Cli.Commands;

/// <summary>
/// <c>set &lt;key&gt; &lt;value&gt;</c>, <c>get &lt;key&gt;</c> and <c>delete &lt;key&gt;</c>: one <c>POST /command</c> each.
/// <c>set</c> and <c>delete</c> print <c>OK</c>; <c>get</c> prints the value alone (nothing else on stdout), or
/// <c>(not found)</c> on stderr with exit code 3.
/// </summary>
internal static class KeyValueCommands
{
    public static Command CreateSet(GlobalOptions options, CliHost host)
    {
        var key = KeyArgument();
        var value = new Argument<string>("value") { Description = "The value to store (use quotes for spaces)." };
        var command = new Command("set", "Store a value under a key (a replicated write; prints OK once committed).") { key, value };
        command.SetAction((parseResult, cancellationToken) => ExecuteAsync(
            parseResult, options, host, KeyValueCommand.Set(parseResult.GetValue(key)!, parseResult.GetValue(value)!), cancellationToken));
        return command;
    }

    public static Command CreateGet(GlobalOptions options, CliHost host)
    {
        var key = KeyArgument();
        var command = new Command("get", "Print the value stored under a key (only the value, so that it can be captured by a script).") { key };
        command.SetAction((parseResult, cancellationToken) => ExecuteAsync(
            parseResult, options, host, KeyValueCommand.Get(parseResult.GetValue(key)!), cancellationToken));
        return command;
    }

    public static Command CreateDelete(GlobalOptions options, CliHost host)
    {
        var key = KeyArgument();
        var command = new Command("delete", "Remove a key (a replicated write; prints OK once committed).") { key };
        command.SetAction((parseResult, cancellationToken) => ExecuteAsync(
            parseResult, options, host, KeyValueCommand.Delete(parseResult.GetValue(key)!), cancellationToken));
        return command;
    }

    private static Argument<string> KeyArgument() => new("key") { Description = "The key." };

    private static async Task<int> ExecuteAsync(
        ParseResult parseResult, GlobalOptions options, CliHost host, KeyValueCommand command, CancellationToken cancellationToken)
    {
        if (!options.TryResolve(parseResult, host, out ConnectionSettings settings))
        {
            return ExitCodes.Usage;
        }

        using var client = new RaftApiClient(settings.Address, settings.Timeout, maxConnectionsPerServer: 1);
        return await CommandRunner.RunAsync(host, async () =>
        {
            CommandReply reply = await client.SendCommandAsync(command, cancellationToken).ConfigureAwait(false);
            return await ReportAsync(host, client.BaseAddress, command, reply).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static async Task<int> ReportAsync(CliHost host, Uri address, KeyValueCommand command, CommandReply reply)
    {
        string node = RaftApiClient.Display(address);
        if (reply.Succeeded)
        {
            if (command.Type != KeyValueCommand.TypeGet)
            {
                await host.Output.WriteLineAsync("OK").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            if (reply.Body.Result is null)
            {
                // A server that answers a missing key with 200 and a null result: still "not found".
                await host.Error.WriteLineAsync("(not found)").ConfigureAwait(false);
                return ExitCodes.NotFound;
            }

            await host.Output.WriteLineAsync(reply.Body.Result).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        switch (reply.StatusCode)
        {
            case HttpStatusCode.NotFound:
                await host.Error.WriteLineAsync("(not found)").ConfigureAwait(false);
                return ExitCodes.NotFound;
            case HttpStatusCode.ServiceUnavailable:
                string retry = reply.RetryAfter is TimeSpan after && after > TimeSpan.Zero
                    ? $"; retry after {DurationParser.Format(after)}"
                    : string.Empty;
                await host.Error.WriteLineAsync($"error: {node} is unavailable: {reply.ErrorMessage} (HTTP 503{retry})").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            default:
                string status = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)reply.StatusCode}");
                await host.Error.WriteLineAsync($"error: {reply.ErrorMessage} ({status} from {node})").ConfigureAwait(false);
                return ExitCodes.RequestFailed;
        }
    }
}
