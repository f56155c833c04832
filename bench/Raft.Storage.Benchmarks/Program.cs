using System.Diagnostics;
using System.Globalization;
using Raft.Core;
using Raft.Storage.Wal;

namespace Raft.Storage.Benchmarks;

/// <summary>
/// Measures the file log store against the raw disk in the same run:
/// <list type="number">
/// <item>the fsync floor (a small write and flush, repeated) and the latency of a single-entry append;</item>
/// <item>batched 1 KiB appends at 1-1,000 entries per batch against raw sequential write+flush of the same bytes, to a log
/// in steady state (compacted as a node does, so that rolls reuse recycled segment files) and to a new log (every segment
/// a zero-filled new file);</item>
/// <item>recovery of a 1 GiB log, cold and warm, against a raw sequential read, with the memory it took; and the restart
/// of a steady-state log whose newest segment is a recycled file.</item>
/// </list>
/// Usage: <c>dotnet run -c Release --project bench/Raft.Storage.Benchmarks [-- base-directory]</c>; data goes to a
/// fresh directory under the base (default: the temp directory) and is deleted afterwards.
/// </summary>
internal static class Program
{
    public const string ClusterId = "storage-benchmark";
    private const int EntrySize = 1024;
    public const long SegmentBytes = 64L << 20;
    private const long RecoveryLogBytes = 1L << 30;

    private static readonly int RecordSize = WalRecord.SizeOf(EntrySize);

    public static int Main(string[] args)
    {
        if (args is ["--recover", var directory])
        {
            return RecoveryProbe.Run(directory);
        }

        var root = Path.Combine(args.Length > 0 ? args[0] : Path.GetTempPath(), $"raft-storage-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            Console.WriteLine($"# Raft.Storage benchmark ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
            Console.WriteLine($"{Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, data in {root} ({FileSystemOf(root)})");
            Console.WriteLine($"Entries of {EntrySize} bytes ({RecordSize} bytes on disk); the store with its default options (64 MiB preallocated segments, fdatasync).");
            Console.WriteLine();
            Latency(root);
            Throughput(root);
            Recovery(root);
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Latency(string root)
    {
        const int Rounds = 5;
        const int PerRound = 1000;
        var record = Payload(RecordSize);
        using var overwrite = RawFile.Preallocated(Path.Combine(root, "raw-overwrite"), SegmentBytes);
        using var overwriteFsync = RawFile.Preallocated(Path.Combine(root, "raw-overwrite-fsync"), SegmentBytes);
        using var growing = RawFile.Growing(Path.Combine(root, "raw-growing"));
        using var store = FileLogStore.Open(Path.Combine(root, "latency"), new FileLogStoreOptions { ClusterId = ClusterId });
        using var growingStore = FileLogStore.Open(Path.Combine(root, "latency-growing"), new FileLogStoreOptions { ClusterId = ClusterId, PreallocateSegments = false });
        var payload = Payload(EntrySize);
        ulong index = 0;
        ulong growingIndex = 0;
        var floor = new Latencies();
        var floorFsync = new Latencies();
        var floorGrowing = new Latencies();
        var append = new Latencies();
        var appendGrowing = new Latencies();

        // Interleaved rounds, so that drift in the machine's load hits all four alike; the first round warms up.
        for (var round = 0; round <= Rounds; round++)
        {
            var warmUp = round == 0;
            Measure(warmUp ? null : floor, PerRound, () => overwrite.WriteAndSync(record));
            Measure(warmUp ? null : floorFsync, PerRound, () => overwriteFsync.WriteAndSync(record, fullFsync: true));
            Measure(warmUp ? null : floorGrowing, PerRound, () => growing.WriteAndSync(record));
            Measure(warmUp ? null : append, PerRound, () =>
            {
                index++;
                store.Save(null, [new LogEntry(index, 1, EntryType.Command, payload)]);
            });
            Measure(warmUp ? null : appendGrowing, PerRound, () =>
            {
                growingIndex++;
                growingStore.Save(null, [new LogEntry(growingIndex, 1, EntryType.Command, payload)]);
            });

            // A new store prepares its next segment file in the background once it has started its first one; a running
            // node finished that long ago. Later segment changes are measured.
            if (warmUp)
            {
                store.WaitForBackgroundWork();
            }
        }

        Console.WriteLine("## 1. Single-entry append + fsync latency");
        Console.WriteLine();
        Console.WriteLine($"| what ({RecordSize}-byte write + flush) | median µs | p99 µs | p99.9 µs | mean µs |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Row("raw floor: preallocated file, write + fdatasync", floor);
        Row("raw: preallocated file, write + fsync", floorFsync);
        Row("raw: growing file, write + fdatasync", floorGrowing);
        Row("FileLogStore.Save(one entry)", append);
        Row("FileLogStore.Save(one entry), PreallocateSegments = false", appendGrowing);
        Console.WriteLine();
        Console.WriteLine(Invariant($"Store / floor: median {append.Median / floor.Median:F2}x, p99 {append.P99 / floor.P99:F2}x (goal: within 1.2x)."));
        if (DdMeanMicroseconds(root, RecordSize, 2000) is { } dd)
        {
            Console.WriteLine(Invariant($"Reference: dd bs={RecordSize} count=2000 oflag=dsync to a new file: mean {dd:F1} µs per write."));
        }

        Console.WriteLine();
    }

    private static void Throughput(string root)
    {
        const int Rounds = 8;
        var notes = new List<string>();
        Console.WriteLine("## 2. Batched 1 KiB appends, one write + fsync per batch");
        Console.WriteLine();
        Console.WriteLine("| entries per batch | raw preallocated MB/s | raw growing MB/s | **store, steady state MB/s** | **steady state / raw preallocated** | store, new log MB/s: appends / with its zero-filling | new log / raw preallocated | median batch µs: raw preallocated / steady state / new log | p99 µs: steady state / new log | store without preallocation MB/s |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var batch in new[] { 1, 10, 100, 1000 })
        {
            var operations = batch switch { 1 => 3000, 10 => 2400, 100 => 900, _ => 240 };
            var bytes = batch * EntrySize;
            var data = Payload(bytes);
            var payload = Payload(EntrySize);
            var entries = new LogEntry[batch];
            ulong index = 0;
            var directory = Path.Combine(root, $"batch-{batch}");
            Directory.CreateDirectory(directory);
            var raw = new Latencies();
            var rawGrowing = new Latencies();
            var appends = new Latencies();
            var appendsSteady = new Latencies();
            var appendsGrowing = new Latencies();
            var backgroundWait = 0.0;
            (int Recycled, int ZeroFilled) newLogFiles, steadyFiles;
            int newLogRolls;
            Latencies compactions;
            using (var preallocated = RawFile.Preallocated(Path.Combine(directory, "raw"), SegmentBytes))
            using (var growing = RawFile.Growing(Path.Combine(directory, "raw-growing")))
            using (var store = FileLogStore.Open(Path.Combine(directory, "store"), new FileLogStoreOptions { ClusterId = ClusterId }))
            using (var steady = SteadyStateLog.Open(Path.Combine(directory, "store-steady"), payload))
            using (var growingStore = FileLogStore.Open(Path.Combine(directory, "store-growing"), new FileLogStoreOptions { ClusterId = ClusterId, PreallocateSegments = false }))
            {
                ulong growingIndex = 0;
                var steadyEntries = new LogEntry[batch];
                for (var round = 0; round <= Rounds; round++)
                {
                    var warmUp = round == 0;
                    var count = warmUp ? Math.Max(10, operations / 20) : operations / Rounds;
                    Measure(warmUp ? null : raw, count, () => preallocated.WriteAndSync(data));
                    Measure(warmUp ? null : rawGrowing, count, () => growing.WriteAndSync(data));
                    Measure(warmUp ? null : appends, count, () =>
                    {
                        for (var i = 0; i < batch; i++)
                        {
                            entries[i] = new LogEntry(++index, 1, EntryType.Command, payload);
                        }

                        store.Save(null, entries);
                    });

                    // The zero-filling of the next segment that a roll started in the background is the new log's work: it
                    // is waited for here and charged to it, rather than left to slow down whatever is measured next.
                    var waiting = Stopwatch.GetTimestamp();
                    store.WaitForBackgroundWork();
                    if (!warmUp)
                    {
                        backgroundWait += Stopwatch.GetElapsedTime(waiting).TotalMicroseconds;
                    }

                    // The node's snapshots and compactions happen between appends and are not part of their time.
                    Measure(warmUp ? null : appendsSteady, count, () => steady.Append(steadyEntries), between: steady.CompactIfDue);
                    Measure(warmUp ? null : appendsGrowing, count, () =>
                    {
                        for (var i = 0; i < batch; i++)
                        {
                            entries[i] = new LogEntry(++growingIndex, 1, EntryType.Command, payload);
                        }

                        growingStore.Save(null, entries);
                    });
                }

                newLogFiles = store.SegmentFiles;
                newLogRolls = store.SegmentCount - 1;
                steadyFiles = steady.SegmentFilesSinceWarmUp;
                compactions = steady.Compactions;
            }

            Directory.Delete(directory, recursive: true);
            double Rate(Latencies latencies, double extra = 0) => bytes * latencies.Count / (latencies.Total + extra);
            var newLog = Rate(appends, backgroundWait);
            Console.WriteLine(Invariant(
                $"| {batch} | {Rate(raw):F1} | {Rate(rawGrowing):F1} | **{Rate(appendsSteady):F1}** | **{Rate(appendsSteady) / Rate(raw):P0}** | {Rate(appends):F1} / {newLog:F1} | {Rate(appends) / Rate(raw):P0} / {newLog / Rate(raw):P0} | {raw.Median:F0} / {appendsSteady.Median:F0} / {appends.Median:F0} | {appendsSteady.P99:F0} / {appends.P99:F0} | {Rate(appendsGrowing):F1} |"));
            var compacting = compactions.Count > 0 ? Invariant($" (snapshot + compaction took {compactions.Median / 1000:F1} ms at the median)") : string.Empty;
            notes.Add(Invariant(
                $"{batch}-entry batches: the new log rolled {newLogRolls} time(s), into zero-filled files ({newLogFiles.ZeroFilled} written in all, counting the one prepared ahead at open; waiting for them added {backgroundWait / 1000:F0} ms to {appends.Total / 1000:F0} ms of appends); the steady-state log rolled into {steadyFiles.Recycled} recycled file(s), zero-filled {steadyFiles.ZeroFilled} file(s) and compacted {compactions.Count} time(s){compacting}."));
        }

        Console.WriteLine();
        Console.WriteLine("MB/s are of entry payload (10^6 bytes/s) over all batches; the raw writes carry the same payload bytes without record headers. Goal: store at least 80% of raw.");
        Console.WriteLine($"Steady state: a store warmed up with three segments' worth of entries that takes a snapshot and compacts every {SteadyStateLog.CompactEvery:N0} entries (32 MiB), as a running node does, so that its rolls reuse compacted segment files; the snapshots and compactions are not timed. New log: a store opened on an empty directory, whose segments are all zero-filled spares; after each of its turns the benchmark waits for the zero-filling its rolls started in the background, so that it does not slow down the next measurement: \"appends\" leaves that wait out, \"with its zero-filling\" counts it.");
        foreach (var note in notes)
        {
            Console.WriteLine($"- {note}");
        }

        Console.WriteLine();
    }

    private static void Recovery(string root)
    {
        var directory = Path.Combine(root, "recovery");
        var written = Stopwatch.StartNew();
        using (var store = FileLogStore.Open(directory, new FileLogStoreOptions { ClusterId = ClusterId }))
        {
            var payload = Payload(EntrySize);
            var entries = new LogEntry[1000];
            ulong index = 0;
            for (long bytes = 0; bytes < RecoveryLogBytes; bytes += entries.Length * RecordSize)
            {
                for (var i = 0; i < entries.Length; i++)
                {
                    entries[i] = new LogEntry(++index, 1 + (index / 100_000), EntryType.Command, payload);
                }

                store.Save(new HardState(1 + (index / 100_000), 1, index - 500), entries);
            }
        }

        var segments = Directory.GetFiles(Path.Combine(directory, "wal"), "*.wal");
        var fileBytes = segments.Sum(path => new FileInfo(path).Length);
        Console.WriteLine("## 3. Recovery scan of a 1 GiB log");
        Console.WriteLine();
        Console.WriteLine(Invariant($"Log: {segments.Length} segments, {fileBytes / 1e9:F2} GB of files, written in {written.Elapsed.TotalSeconds:F1} s."));
        Console.WriteLine();
        Console.WriteLine("| what | MB/s | seconds | fastest of 5 more opens in the same process, s | peak working set | GC heap after | allocated |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");

        DropFromPageCache(segments);
        var rawRead = RawRead(segments);
        Console.WriteLine(Invariant($"| raw sequential read, cold (4 MiB reads) | {fileBytes / rawRead / 1e6:F0} | {rawRead:F2} | | | | |"));
        DropFromPageCache(segments);
        foreach (var pass in new[] { "cold", "warm" })
        {
            var probe = RunProbe(directory);
            var seconds = double.Parse(probe["seconds"], CultureInfo.InvariantCulture);
            var scanned = long.Parse(probe["bytes"], CultureInfo.InvariantCulture);
            Console.WriteLine(Invariant(
                $"| FileLogStore.Open, {pass} page cache ({probe["entries"]} entries) | {scanned / seconds / 1e6:F0} | {seconds:F2} | {Seconds(probe["warmSeconds"])} | {Mb(probe["peakWorkingSet"])} (at start {Mb(probe["workingSetBefore"])}) | {Mb(probe["gcHeap"])} | {Mb(probe["allocated"])} |"));
        }

        // A node restarting in steady state: its newest segment is a recycled file, whose stale records after the end of
        // the log recovery reads through (looking for remains of a torn write) but must not rewrite.
        var steadyDirectory = Path.Combine(root, "recovery-steady");
        using (var steady = SteadyStateLog.Open(steadyDirectory, Payload(EntrySize)))
        {
            var batch = new LogEntry[1000];
            while (steady.SegmentFilesSinceWarmUp.Recycled == 0)
            {
                steady.Append(batch);
                steady.CompactIfDue();
            }

            for (var i = 0; i < 16; i++)
            {
                steady.Append(batch);
            }
        }

        var steadySegments = Directory.GetFiles(Path.Combine(steadyDirectory, "wal"), "*.wal");
        DropFromPageCache(steadySegments);
        foreach (var pass in new[] { "cold", "warm" })
        {
            var probe = RunProbe(steadyDirectory);
            var scanned = long.Parse(probe["bytes"], CultureInfo.InvariantCulture);
            Console.WriteLine(Invariant(
                $"| FileLogStore.Open of a steady-state log, {pass} ({steadySegments.Length} segments, {scanned / 1e6:F0} MB of records; the newest segment a recycled file with stale records after 16 MB of new ones; torn write reported: {probe["tornWrite"]}) | | {Seconds(probe["seconds"])} | {Seconds(probe["warmSeconds"])} | {Mb(probe["peakWorkingSet"])} | {Mb(probe["gcHeap"])} | {Mb(probe["allocated"])} |"));
        }

        Console.WriteLine();
        Console.WriteLine("Recovery MB/s count the record bytes it checksummed. Goal: at least 500 MB/s, with memory independent of the log's size.");
        Console.WriteLine("The first open runs in a fresh process, so it includes compiling the recovery code; the five more opens in the same process find it compiled and the page cache warm. In the steady-state log, recovery also reads the recycled segment's stale bytes after the end of the log, checksumming the records among them, and rewrites nothing.");
    }

    private static void Measure(Latencies? into, int count, Action operation, Action? between = null)
    {
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            operation();
            into?.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            between?.Invoke();
        }
    }

    private static void Row(string what, Latencies latencies) =>
        Console.WriteLine(Invariant($"| {what} | {latencies.Median:F1} | {latencies.P99:F1} | {latencies.P999:F1} | {latencies.Mean:F1} |"));

    private static byte[] Payload(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    private static void DropFromPageCache(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            Native.DropFromPageCache(path);
        }
    }

    // Seconds to read the files sequentially, as recovery does, without checking anything.
    private static double RawRead(string[] paths)
    {
        var buffer = new byte[4 << 20];
        var started = Stopwatch.GetTimestamp();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            using var handle = File.OpenHandle(path);
            for (long offset = 0; ; offset += buffer.Length)
            {
                if (RandomAccess.Read(handle, buffer, offset) == 0)
                {
                    break;
                }
            }
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static Dictionary<string, string> RunProbe(string directory)
    {
        var self = Environment.ProcessPath!;
        var start = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new ProcessStartInfo(self, [typeof(Program).Assembly.Location, "--recover", directory])
            : new ProcessStartInfo(self, ["--recover", directory]);
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The recovery probe failed: {output}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1].Trim());
    }

    private static double? DdMeanMicroseconds(string root, int blockSize, int count)
    {
        try
        {
            var start = new ProcessStartInfo("dd", [$"if=/dev/zero", $"of={Path.Combine(root, "dd")}", $"bs={blockSize}", $"count={count}", "oflag=dsync"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardError.ReadToEnd();
            process.WaitForExit();
            // "2112000 bytes (2.1 MB, 2.0 MiB) copied, 0.25 s, 8.4 MB/s"
            var line = output.Split('\n').FirstOrDefault(text => text.Contains(" copied, ", StringComparison.Ordinal));
            var seconds = line?.Split(" copied, ")[1].Split(' ')[0];
            return seconds is null ? null : double.Parse(seconds, CultureInfo.InvariantCulture) * 1e6 / count;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string FileSystemOf(string path)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return "file system unknown";
        }

        var best = File.ReadAllLines("/proc/mounts").Select(line => line.Split(' ')).Where(parts => parts.Length > 2 && path.StartsWith(parts[1], StringComparison.Ordinal))
            .MaxBy(parts => parts[1].Length);
        return best is null ? "file system unknown" : $"{best[2]} on {best[0]}";
    }

    private static string Seconds(string seconds) => Invariant($"{double.Parse(seconds, CultureInfo.InvariantCulture):F2}");

    private static string Mb(string bytes) => Invariant($"{long.Parse(bytes, CultureInfo.InvariantCulture) / 1e6:F0} MB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
