using System.Diagnostics;
using System.Globalization;

namespace Raft.LoadGenerator;

/// <summary>CPU time (user + system) of the given processes and of this one, read at the edges of the measured window.</summary>
internal sealed class CpuSampler(IReadOnlyList<int> pids)
{
    // USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    public Sample Take()
    {
        var seconds = new double[pids.Count];
        for (var i = 0; i < pids.Count; i++)
        {
            seconds[i] = Read(pids[i]);
        }

        return new Sample(seconds, Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
    }

    public Usage Difference(Sample start, Sample end)
    {
        if (start.Seconds is null || end.Seconds is null)
        {
            return new Usage(0, [], 0);
        }

        var perProcess = start.Seconds.Zip(end.Seconds, (a, b) => Math.Max(0, b - a)).ToArray();
        return new Usage(perProcess.Sum(), perProcess, end.Self - start.Self);
    }

    private static double Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (user + system) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    internal readonly record struct Sample(double[]? Seconds, double Self);

    internal readonly record struct Usage(double Seconds, double[] PerProcess, double Self);
}
