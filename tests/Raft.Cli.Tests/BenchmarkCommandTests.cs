using System.Text.Json;
using Raft.Cli.Tests.Fakes;

namespace Raft.Cli.Tests;

public sealed class BenchmarkCommandTests
{
    [Fact]
    public async Task HealthyServerAllOperationsSucceed()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();

        CliRun run = await Cli.RunAsync(
            "benchmark", "--operations", "200", "--clients", "8", "--read-ratio", "0.5", "--value-size", "64", "--json", "--address", Cli.At(server.Address));

        Assert.True(run.ExitCode == 0, run.ToString());
        using JsonDocument document = JsonDocument.Parse(run.Stdout);
        JsonElement report = document.RootElement;
        Assert.Equal(200, report.GetProperty("operations").GetInt32());
        Assert.Equal(8, report.GetProperty("clients").GetInt32());
        Assert.Equal(200, report.GetProperty("total").GetInt64());
        Assert.Equal(200, report.GetProperty("successes").GetInt64());
        Assert.Equal(0, report.GetProperty("failures").GetInt64());
        Assert.Equal(100, report.GetProperty("reads").GetInt64());
        Assert.Equal(100, report.GetProperty("writes").GetInt64());
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        Assert.True(report.GetProperty("duration_seconds").GetDouble() > 0);
        Assert.True(report.GetProperty("throughput_ops_per_sec").GetDouble() > 0);
        Assert.Equal(200, report.GetProperty("latency_us").GetProperty("count").GetInt64());
        AssertPercentilesMonotonic(report.GetProperty("latency_us"));

        // 100 measured writes plus the 10 seed keys, all of the requested size, all reads found their keys.
        string runId = report.GetProperty("run_id").GetString()!;
        string[] keys = [.. server.Data.Keys.Where(k => k.StartsWith($"bench-{runId}-", StringComparison.Ordinal))];
        Assert.Equal(110, keys.Length);
        Assert.All(keys, k => Assert.Equal(64, server.Data[k].Length));
        Assert.Equal(210, server.CommandCount);
    }

    [Fact]
    public async Task FailuresAreJudgedByTheBodyNotTheStatus()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.FailEveryNthCommand = 4; // HTTP 200 with "success": false

        CliRun run = await Cli.RunAsync(
            "benchmark", "-n", "200", "-c", "8", "--json", "--address", Cli.At(server.Address));

        Assert.True(run.ExitCode == ExitCodes.BenchmarkFailures, run.ToString());
        using JsonDocument document = JsonDocument.Parse(run.Stdout);
        JsonElement report = document.RootElement;
        Assert.Equal(200, report.GetProperty("total").GetInt64());
        Assert.Equal(150, report.GetProperty("successes").GetInt64());
        Assert.Equal(50, report.GetProperty("failures").GetInt64());
        JsonElement error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal(FakeRaftServer.InjectedError, error.GetProperty("message").GetString());
        Assert.Equal(50, error.GetProperty("count").GetInt64());
        Assert.Equal(150, report.GetProperty("latency_us").GetProperty("count").GetInt64());
        AssertPercentilesMonotonic(report.GetProperty("latency_us"));
    }

    [Fact]
    public async Task UnavailableServerFailuresAreCountedWithTheServersMessage()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Mode = FakeServerMode.Unavailable;

        CliRun run = await Cli.RunAsync("benchmark", "-n", "30", "-c", "3", "--json", "--address", Cli.At(server.Address));

        Assert.True(run.ExitCode == ExitCodes.BenchmarkFailures, run.ToString());
        using JsonDocument document = JsonDocument.Parse(run.Stdout);
        JsonElement report = document.RootElement;
        Assert.Equal(0, report.GetProperty("successes").GetInt64());
        Assert.Equal(30, report.GetProperty("failures").GetInt64());
        JsonElement error = Assert.Single(report.GetProperty("errors").EnumerateArray());
        Assert.Equal($"HTTP 503: {FakeRaftServer.NoLeaderError}", error.GetProperty("message").GetString());
        Assert.Equal(0, report.GetProperty("latency_us").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task ServerDownCountsConnectionFailures()
    {
        string address = ClosedPort.Address();

        CliRun run = await Cli.RunAsync("benchmark", "-n", "20", "-c", "2", "--json", "--address", address);

        Assert.True(run.ExitCode == ExitCodes.BenchmarkFailures, run.ToString());
        using JsonDocument document = JsonDocument.Parse(run.Stdout);
        JsonElement error = Assert.Single(document.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal($"cannot reach {address}: connection refused", error.GetProperty("message").GetString());
        Assert.Equal(20, error.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task SeedFailureEndsTheBenchmarkBeforeItStarts()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();
        server.Mode = FakeServerMode.Unavailable;

        CliRun run = await Cli.RunAsync("benchmark", "-n", "20", "--read-ratio", "0.5", "--json", "--address", Cli.At(server.Address));

        Assert.Equal(ExitCodes.Unavailable, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("benchmark setup failed", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HumanReadableReport()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();

        CliRun run = await Cli.RunAsync("benchmark", "-n", "50", "-c", "4", "--read-ratio", "0.2", "--address", Cli.At(server.Address));

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string text in new[]
                 {
                     "Starting benchmark:", "Operations: 50", "Concurrent clients: 4", $"Target: {Cli.At(server.Address)}",
                     "Benchmark Results:", "Total operations: 50 (40 writes, 10 reads)", "Successful: 50 (100.0%)",
                     "Failed: 0 (0.0%)", "Throughput:", "Average latency:", "p99.9",
                 })
        {
            Assert.Contains(text, run.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\u001b[", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreClientsThanOperationsIsClamped()
    {
        await using FakeRaftServer server = await FakeRaftServer.StartAsync();

        CliRun run = await Cli.RunAsync("benchmark", "-n", "3", "-c", "50", "--json", "--value-size", "0", "--address", Cli.At(server.Address));

        Assert.True(run.ExitCode == 0, run.ToString());
        using JsonDocument document = JsonDocument.Parse(run.Stdout);
        Assert.Equal(3, document.RootElement.GetProperty("clients").GetInt32());
        Assert.Equal(3, document.RootElement.GetProperty("successes").GetInt64());
    }

    private static void AssertPercentilesMonotonic(JsonElement latency)
    {
        long[] values = [.. new[] { "min", "p50", "p90", "p99", "p999", "max" }.Select(p => latency.GetProperty(p).GetInt64())];
        Assert.True(values[0] > 0, $"min {values[0]}");
        for (int i = 1; i < values.Length; i++)
        {
            Assert.True(values[i - 1] <= values[i], $"percentiles not monotonic: {string.Join(", ", values)}");
        }

        double mean = latency.GetProperty("mean").GetDouble();
        Assert.InRange(mean, values[0] * 0.99, values[^1] * 1.01);
    }
}
