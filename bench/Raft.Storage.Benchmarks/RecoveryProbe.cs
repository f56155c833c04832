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
        var store = FileLogStore.Open(directory, new FileLogStoreOptions { ClusterId = Program.ClusterId });
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var report = store.Recovery;
        var lastIndex = store.LastIndex;
        var peakWorkingSet = process.PeakWorkingSet64;
        var gcHeap = GC.GetGCMemoryInfo().HeapSizeBytes;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        // Five more times in the same process, with the page cache warm and the recovery code compiled (tiered
        // compilation takes three or four opens to optimise it): what is left of the first open's time once process
        // start-up and the cold disk are taken away.
        store.Dispose();
        var fastest = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var again = Stopwatch.GetTimestamp();
            using var reopened = FileLogStore.Open(directory, new FileLogStoreOptions { ClusterId = Program.ClusterId });
            fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(again).TotalSeconds);
        }
        var values = new Dictionary<string, string>
        {
            ["seconds"] = seconds.ToString("R", CultureInfo.InvariantCulture),
            ["warmSeconds"] = fastest.ToString("R", CultureInfo.InvariantCulture),
            ["bytes"] = report.BytesScanned.ToString(CultureInfo.InvariantCulture),
            ["entries"] = report.EntriesScanned.ToString(CultureInfo.InvariantCulture),
            ["segments"] = report.SegmentsScanned.ToString(CultureInfo.InvariantCulture),
            ["tornWrite"] = report.TornWriteFile is null ? "no" : "yes",
            ["lastIndex"] = lastIndex.ToString(CultureInfo.InvariantCulture),
            ["workingSetBefore"] = workingSetBefore.ToString(CultureInfo.InvariantCulture),
            ["peakWorkingSet"] = peakWorkingSet.ToString(CultureInfo.InvariantCulture),
            ["gcHeap"] = gcHeap.ToString(CultureInfo.InvariantCulture),
            ["allocated"] = allocated.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in values)
        {
            Console.WriteLine($"{key}={value}");
        }

        return 0;
    }
}
