using System.Diagnostics;
using System.Globalization;

namespace Raft.Storage.Benchmarks;

/// <summary>
/// Opens a store once and reports what recovery cost, in a process of its own, so that its peak memory is recovery's
/// and not that of the process that wrote the log.
/// </summary>
internal static class RecoveryProbe
{
    public static int Run(string directory)
    {
        using var process = Process.GetCurrentProcess();
        var workingSetBefore = process.WorkingSet64;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        using var store = FileLogStore.Open(directory, new FileLogStoreOptions { ClusterId = Program.ClusterId });
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var report = store.Recovery;
        var values = new Dictionary<string, string>
        {
            ["seconds"] = seconds.ToString("R", CultureInfo.InvariantCulture),
            ["bytes"] = report.BytesScanned.ToString(CultureInfo.InvariantCulture),
            ["entries"] = report.EntriesScanned.ToString(CultureInfo.InvariantCulture),
            ["segments"] = report.SegmentsScanned.ToString(CultureInfo.InvariantCulture),
            ["lastIndex"] = store.LastIndex.ToString(CultureInfo.InvariantCulture),
            ["workingSetBefore"] = workingSetBefore.ToString(CultureInfo.InvariantCulture),
            ["peakWorkingSet"] = process.PeakWorkingSet64.ToString(CultureInfo.InvariantCulture),
            ["gcHeap"] = GC.GetGCMemoryInfo().HeapSizeBytes.ToString(CultureInfo.InvariantCulture),
            ["allocated"] = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore).ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in values)
        {
            Console.WriteLine($"{key}={value}");
        }

        return 0;
    }
}
