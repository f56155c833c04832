using System.Text.Json.Serialization;
using HdrHistogram;

namespace Raft.Cli.Benchmarking;

/// <summary>Latency of the successful operations, in microseconds, read off an HdrHistogram (3 significant digits).</summary>
internal sealed record LatencySummary(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("min")] long Min,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("p50")] long P50,
    [property: JsonPropertyName("p90")] long P90,
    [property: JsonPropertyName("p99")] long P99,
    [property: JsonPropertyName("p999")] long P999,
    [property: JsonPropertyName("max")] long Max)
{
    public static LatencySummary From(HistogramBase histogram, long minimum)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
        }

        return new LatencySummary(
            histogram.TotalCount,
            minimum,
            Math.Round(histogram.GetMean(), 1),
            histogram.GetValueAtPercentile(50),
            histogram.GetValueAtPercentile(90),
            histogram.GetValueAtPercentile(99),
            histogram.GetValueAtPercentile(99.9),
            histogram.GetMaxValue());
    }
}
