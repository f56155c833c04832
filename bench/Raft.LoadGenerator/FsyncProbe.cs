using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Raft.LoadGenerator;

/// <summary>
/// The fsync floor: how long a 4 KiB write followed by fdatasync takes in a directory, which bounds the latency of any
/// durable write there (one such flush per group commit on the leader, one on a follower before it acknowledges).
/// Measured the way a write-ahead log uses the disk: overwriting a preallocated (zero-filled) file, and appending to a new one.
/// </summary>
internal static partial class FsyncProbe
{
    private const int BlockSize = 4096;

    public static int Run(IReadOnlyList<string> args)
    {
        string? directory = null;
        var count = 1000;
        var json = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dir":
                    directory = args[++i];
                    break;
                case "--count":
                    count = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--json":
                    json = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        directory ??= Path.GetTempPath();
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"fsync-probe-{Environment.ProcessId}.tmp");
        try
        {
            var overwrite = Measure(path, count, preallocate: true);
            File.Delete(path);
            var append = Measure(path, count, preallocate: false);
            var c = CultureInfo.InvariantCulture;
            if (json)
            {
                Console.WriteLine(string.Create(c, $$"""{"dir":"{{directory}}","count":{{count}},"overwrite_p50_ms":{{overwrite.P50:0.000}},"overwrite_p99_ms":{{overwrite.P99:0.000}},"overwrite_mean_ms":{{overwrite.Mean:0.000}},"append_p50_ms":{{append.P50:0.000}},"append_p99_ms":{{append.P99:0.000}},"append_mean_ms":{{append.Mean:0.000}}}"""));
            }
            else
            {
                Console.WriteLine(string.Create(c, $"fsync floor in {directory} ({count} x 4 KiB write + fdatasync):"));
                Console.WriteLine(string.Create(c, $"  overwrite of a preallocated file: p50 {overwrite.P50:0.000} ms, p99 {overwrite.P99:0.000} ms, mean {overwrite.Mean:0.000} ms"));
                Console.WriteLine(string.Create(c, $"  append to a growing file:         p50 {append.P50:0.000} ms, p99 {append.P99:0.000} ms, mean {append.Mean:0.000} ms"));
            }

            return 0;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (double P50, double P99, double Mean) Measure(string path, int count, bool preallocate)
    {
        var block = new byte[BlockSize];
        Random.Shared.NextBytes(block);
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        if (preallocate)
        {
            var zeros = new byte[1 << 20];
            for (long offset = 0; offset < (long)count * BlockSize; offset += zeros.Length)
            {
                RandomAccess.Write(handle, zeros, offset);
            }

            RandomAccess.FlushToDisk(handle);
        }

        var samples = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            RandomAccess.Write(handle, block, (long)i * BlockSize);
            DataSync(handle);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        return (samples[count / 2], samples[Math.Min(count - 1, (int)(count * 0.99))], samples.Average());
    }

    private static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        if (FileDataSync((int)handle.DangerousGetHandle()) != 0)
        {
            throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FileDataSync(int descriptor);
}
