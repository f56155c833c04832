using System.Globalization;

namespace Raft.Storage.Benchmarks;

/// <summary>Samples of one measurement, in microseconds.</summary>
internal sealed class Latencies
{
    private readonly List<double> samples = [];

    public int Count => samples.Count;

    public double Median => Percentile(50);

    public double P99 => Percentile(99);

    public double P999 => Percentile(99.9);

    public double Mean => samples.Average();

    public double Total => samples.Sum();

    public void Add(double microseconds) => samples.Add(microseconds);

    public double Percentile(double percent)
    {
        samples.Sort();
        var rank = (int)Math.Ceiling(percent / 100 * samples.Count) - 1;
        return samples[Math.Clamp(rank, 0, samples.Count - 1)];
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"median {Median,7:F1} µs   p99 {P99,7:F1} µs   p99.9 {P999,7:F1} µs   mean {Mean,7:F1} µs   (n={Count})");
}
