using System.Globalization;
using System.Text;

namespace Raft.Cli.Benchmarking;

/// <summary>The human-readable form of a <see cref="BenchmarkReport"/>.</summary>
internal static class BenchmarkText
{
    public static string Format(BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        CultureInfo invariant = CultureInfo.InvariantCulture;
        double total = Math.Max(report.Total, 1);
        LatencySummary latency = report.LatencyUs;
        var text = new StringBuilder();
        text.AppendLine("Benchmark Results:");
        text.AppendLine(invariant, $"Duration: {report.DurationSeconds:0.00}s");
        text.AppendLine(invariant, $"Total operations: {report.Total} ({report.Writes} writes, {report.Reads} reads)");
        text.AppendLine(invariant, $"Successful: {report.Successes} ({100.0 * report.Successes / total:0.0}%)");
        text.AppendLine(invariant, $"Failed: {report.Failures} ({100.0 * report.Failures / total:0.0}%)");
        text.AppendLine(invariant, $"Throughput: {report.ThroughputOpsPerSec:0.0} ops/sec ({report.SuccessOpsPerSec:0.0} successful ops/sec)");
        text.AppendLine(invariant, $"Average latency: {Millis(latency.Mean)}");
        text.AppendLine(invariant,
            $"Latency: p50 {Millis(latency.P50)}, p90 {Millis(latency.P90)}, p99 {Millis(latency.P99)}, p99.9 {Millis(latency.P999)}, max {Millis(latency.Max)} (over {latency.Count} successful operations)");
        if (report.Errors.Count > 0)
        {
            text.AppendLine("Errors (most frequent first):");
            foreach (ErrorCount error in report.Errors)
            {
                text.AppendLine(invariant, $"  {error.Count,8}  {error.Message}");
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string Millis(double micros) => string.Create(CultureInfo.InvariantCulture, $"{micros / 1000:0.000}ms");
}
