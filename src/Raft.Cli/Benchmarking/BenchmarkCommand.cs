using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Raft.Cli.Api;
using Raft.Cli.Hosting;
using Spectre.Console;

namespace Raft.Cli.Benchmarking;

/// <summary><c>benchmark</c>: closed-loop load against one node, with a latency histogram.</summary>
internal static class BenchmarkCommand
{
    public const string Epilogue =
        """
        Each client sends its next request as soon as the previous one is answered; all share one HTTP/1.1
        keep-alive connection pool (one connection per client). Writes are SETs of unique keys
        bench-{run}-{client}-{i} with values of exactly --value-size characters; floor(operations x read-ratio)
        of the operations, spread evenly, are GETs of keys this run wrote: 10 seed keys bench-{run}-seed-{j},
        written before timing starts when --read-ratio > 0, and the keys the same client has written so far.
        An operation succeeds only if the answer is HTTP 200 with "success": true (a GET that finds nothing fails).
        Latency (µs) is measured per successful operation, from sending to the whole response read, into an
        HdrHistogram. --json prints one object: address, run_id, operations, clients, value_size, read_ratio,
        duration_seconds, total, successes, failures, reads, writes, throughput_ops_per_sec (all operations),
        success_ops_per_sec, latency_us {count, min, mean, p50, p90, p99, p999, max}, errors [{message, count}]
        (the 10 most frequent).
        """;

    public static Command Create(GlobalOptions options, CliHost host)
    {
        var operations = new Option<int>("--operations", "-n") { Description = "Total number of operations, split among the clients.", DefaultValueFactory = _ => 1000 };
        var clients = new Option<int>("--clients", "-c") { Description = "Number of concurrent closed-loop clients.", DefaultValueFactory = _ => 10 };
        var valueSize = new Option<int>("--value-size") { Description = "Size of each written value, in characters (bytes for ASCII).", DefaultValueFactory = _ => 100 };
        var readRatio = new Option<double>("--read-ratio") { Description = "Fraction of the operations that are reads, from 0 to 1.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON object (and no progress bar)." };
        AddRangeValidator(operations, 1, 100_000_000);
        AddRangeValidator(clients, 1, 10_000);
        AddRangeValidator(valueSize, 0, 16 * 1024 * 1024);
        readRatio.Validators.Add(result =>
        {
            // A token that is not a number at all is already reported by the parser.
            if (result.Tokens.Count > 0
                && double.TryParse(result.Tokens[^1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                && (double.IsNaN(value) || value < 0 || value > 1))
            {
                result.AddError("--read-ratio must be between 0 and 1.");
            }
        });

        var command = new Command("benchmark", "Measure throughput and latency with concurrent clients sending SET/GET commands.")
        {
            operations, clients, valueSize, readRatio, json,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!options.TryResolve(parseResult, host, out ConnectionSettings connection))
            {
                return ExitCodes.Usage;
            }

            var settings = new BenchmarkSettings(
                parseResult.GetValue(operations), parseResult.GetValue(clients), parseResult.GetValue(valueSize), parseResult.GetValue(readRatio));
            bool asJson = parseResult.GetValue(json);
            using var client = new RaftApiClient(connection.Address, connection.Timeout, settings.EffectiveClients);
            return await CommandRunner.RunAsync(host, () => RunAsync(host, client, settings, asJson, cancellationToken)).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, RaftApiClient client, BenchmarkSettings settings, bool asJson, CancellationToken cancellationToken)
    {
        var workload = new BenchmarkWorkload(settings, BenchmarkWorkload.NewRunId());
        var runner = new BenchmarkRunner(client, workload);
        TextWriter output = host.Output;
        if (!asJson)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
                Starting benchmark:
                Operations: {settings.Operations}
                Concurrent clients: {settings.EffectiveClients}
                Value size: {settings.ValueSize} bytes
                Read ratio: {settings.ReadRatio:0.###}
                Target: {RaftApiClient.Display(client.BaseAddress)}

                """)).ConfigureAwait(false);
        }

        await runner.SeedAsync(cancellationToken).ConfigureAwait(false);
        BenchmarkReport report;
        if (!asJson && host.IsOutputTerminal)
        {
            report = await RunWithProgressAsync(host, runner, settings, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
        }
        else
        {
            report = await runner.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        if (asJson)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchmarkReport)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync(BenchmarkText.Format(report)).ConfigureAwait(false);
        }

        return report.Failures == 0 ? ExitCodes.Success : ExitCodes.BenchmarkFailures;
    }

    private static Task<BenchmarkReport> RunWithProgressAsync(
        CliHost host, BenchmarkRunner runner, BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = ConsoleFactory.Create(host);
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("operations", maxValue: settings.Operations);
                Task<BenchmarkReport> run = runner.RunAsync(cancellationToken);

                // The bar is redrawn a few times a second; the benchmark itself never waits on it.
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
                while (!run.IsCompleted)
                {
                    task.Value = runner.Completed;
                    await Task.WhenAny(run, timer.WaitForNextTickAsync(CancellationToken.None).AsTask()).ConfigureAwait(false);
                }

                task.Value = runner.Completed;
                return await run.ConfigureAwait(false);
            });
    }

    private static void AddRangeValidator(Option<int> option, int minimum, int maximum) =>
        option.Validators.Add(result =>
        {
            // A token that is not an integer at all is already reported by the parser.
            if (result.Tokens.Count > 0
                && int.TryParse(result.Tokens[^1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                && (value < minimum || value > maximum))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be between {minimum} and {maximum}."));
            }
        });
}
