using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Raft.Benchmarks.Core;

/// <summary>
/// Accounts bytes allocated (on the driver thread) and time spent per <see cref="Phase"/>, separately for the leader and
/// the followers. Only for the diagnostic run: the benchmarks drive the cluster without a meter.
/// </summary>
public sealed class PhaseMeter
{
    private static readonly Phase[] Phases = Enum.GetValues<Phase>();
    private readonly long[,] bytes = new long[Phases.Length, 2];
    private readonly long[,] ticks = new long[Phases.Length, 2];
    private readonly long[,] calls = new long[Phases.Length, 2];

    public static Mark Begin() => new(GC.GetAllocatedBytesForCurrentThread(), Stopwatch.GetTimestamp());

    public void End(Phase phase, bool leader, Mark mark)
    {
        var now = Stopwatch.GetTimestamp();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var role = leader ? 0 : 1;
        bytes[(int)phase, role] += allocated - mark.Bytes;
        ticks[(int)phase, role] += now - mark.Timestamp;
        calls[(int)phase, role]++;
    }

    public void Reset()
    {
        Array.Clear(bytes);
        Array.Clear(ticks);
        Array.Clear(calls);
    }

    /// <summary>A table of bytes and nanoseconds per committed entry for every phase that was used.</summary>
    public string Report(long entries)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.AppendLine(culture, $"{"phase",-10} {"role",-9} {"calls",12} {"B/entry",10} {"ns/entry",10} {"share",7}");
        double totalTicks = 0;
        foreach (var value in ticks)
        {
            totalTicks += value;
        }

        double totalBytes = 0;
        foreach (var phase in Phases)
        {
            for (var role = 0; role < 2; role++)
            {
                var n = calls[(int)phase, role];
                if (n == 0)
                {
                    continue;
                }

                var b = (double)bytes[(int)phase, role] / entries;
                var ns = ticks[(int)phase, role] * 1e9 / Stopwatch.Frequency / entries;
                totalBytes += b;
                text.AppendLine(culture, $"{phase,-10} {(role == 0 ? "leader" : "followers"),-9} {n,12:N0} {b,10:F2} {ns,10:F1} {ticks[(int)phase, role] / totalTicks,7:P1}");
            }
        }

        text.AppendLine(culture, $"{"total",-10} {"",-9} {"",12} {totalBytes,10:F2} {totalTicks * 1e9 / Stopwatch.Frequency / entries,10:F1}");
        return text.ToString();
    }

    public readonly record struct Mark(long Bytes, long Timestamp);
}
