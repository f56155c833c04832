using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Raft.Cli.Benchmarking;
using Raft.Cli.Commands;
using Raft.Cli.Hosting;
using Raft.Cli.Status;

namespace Raft.Cli;

/// <summary>
/// The <c>raft-cli</c> command line: verbs <c>set</c>, <c>get</c>, <c>delete</c>, <c>status</c>, <c>health</c> and
/// <c>benchmark</c>, with the global options <c>--address</c> and <c>--timeout</c>. Runs in-process against any
/// writers, so tests observe exactly what a user would see and the exit code.
/// </summary>
public static class CliApplication
{
    /// <summary>Runs the CLI writing to <paramref name="stdout"/> and <paramref name="stderr"/> (not a terminal: no colours, no progress bar).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliHost(stdout, stderr, Environment.GetEnvironmentVariable, isOutputTerminal: false), cancellationToken);

    /// <summary>Runs the CLI in <paramref name="host"/>; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(host);
        RootCommand root = BuildCommand(host);
        ParseResult parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parseResult.Errors)
            {
                await host.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            string commandPath = string.Join(' ', CommandPath(parseResult.CommandResult.Command, root));
            await host.Error.WriteLineAsync($"Run '{commandPath} --help' for usage and exit codes.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = host.Output,
            Error = host.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug, not a condition of the cluster: keep it apart from the documented exit codes.
            await host.Error.WriteLineAsync($"error: internal error: {e.GetType().Name}: {Api.OneLine.From(e.Message)}").ConfigureAwait(false);
            return ExitCodes.InternalError;
        }
        catch (OperationCanceledException)
        {
            await host.Error.WriteLineAsync("error: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }

    internal static RootCommand BuildCommand(CliHost host)
    {
        var options = new GlobalOptions(host);
        var root = new RootCommand("raft-cli: client of the Raft key-value store (HTTP API of raft-server).")
        {
            options.Address,
            options.Timeout,
            KeyValueCommands.CreateSet(options, host),
            KeyValueCommands.CreateGet(options, host),
            KeyValueCommands.CreateDelete(options, host),
            StatusCommand.Create(options, host),
            HealthCommand.Create(options, host),
            BenchmarkCommand.Create(options, host),
        };

        HelpOption help = root.Options.OfType<HelpOption>().Single();
        var epilogues = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["status"] = StatusCommand.Epilogue,
            ["benchmark"] = BenchmarkCommand.Epilogue,
        };
        help.Action = new ExitCodeHelpAction((HelpAction)help.Action!, epilogues);
        return root;
    }

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        yield return "raft-cli";
        if (!ReferenceEquals(command, root))
        {
            yield return command.Name;
        }
    }
}
