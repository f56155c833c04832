using System.Diagnostics;
using System.Globalization;
using Raft.Core;

namespace Raft.Benchmarks.Core;

/// <summary>
/// A run of the core cluster outside BenchmarkDotNet, for profilers (dotnet-trace attaches to it) and for the per-phase
/// account of allocations and time:
/// <c>core-profile [--batch N | --proposers P] [--seconds S] [--phases] [--max-append-bytes B]</c>.
/// </summary>
public static class CoreProfile
{
    private const int Chunk = 1 << 17;

    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var batch = 1024;
        var proposers = 0;
        var seconds = 10.0;
        var phases = false;
        long maxAppendBytes = 0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--batch":
                    batch = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--proposers":
                    proposers = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--max-append-bytes":
                    maxAppendBytes = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--phases":
                    phases = true;
                    break;
                default:
                    Console.Error.WriteLine("usage: core-profile [--batch N | --proposers P] [--seconds S] [--phases] [--max-append-bytes B]");
                    return 2;
            }
        }

        var meter = phases ? new PhaseMeter() : null;
        var defaults = new RaftOptions();
        var cluster = new CoreCluster(options: (id, configuration) => new RaftOptions
        {
            Id = id,
            InitialConfiguration = configuration,
            RandomSeed = (int)id,
            MaxAppendEntriesBytes = maxAppendBytes > 0 ? maxAppendBytes : defaults.MaxAppendEntriesBytes,
        });
        cluster.ElectLeader();
        var pool = new CommandPool(1 << 16, CoreClusterBenchmark.CommandSize);
        var proposerWorkload = proposers > 0 ? new ProposerWorkload(cluster, pool, proposers, meter: meter) : null;
        Action<int> run = proposerWorkload is not null ? proposerWorkload.Run : new FixedBatchWorkload(cluster, pool, batch).Run;
        var name = proposers > 0 ? $"{proposers} proposers" : $"batch {batch}";

        // Warm up (tiering, PGO, list capacities), then measure whole chunks until the time is up.
        for (var i = 0; i < 4; i++)
        {
            run(Chunk);
        }

        cluster.ResetCounters();
        cluster.AttachMeter(meter);
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var threadAllocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        long entries = 0;
        do
        {
            run(Chunk);
            entries += Chunk;
        }
        while (clock.Elapsed.TotalSeconds < seconds);

        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var threadAllocated = GC.GetAllocatedBytesForCurrentThread() - threadAllocatedBefore;
        cluster.AttachMeter(null);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {entries:N0} entries in {clock.Elapsed.TotalSeconds:F2} s = {entries / clock.Elapsed.TotalSeconds:N0} entries/s; " +
            $"allocated {(double)allocated / entries:F2} B/entry (driver thread {(double)threadAllocated / entries:F2}); " +
            $"GCs gen0/1/2: {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}"));
        Console.WriteLine($"  {cluster.Counters}{(proposerWorkload is null ? "" : $", driver idle waits={proposerWorkload.IdleWaits:N0}")}");
        if (meter is not null)
        {
            Console.WriteLine("  (per-phase timing adds overhead of its own; compare shares, not absolute ns)");
            Console.Write(meter.Report(entries));
        }

        ClusterCheck.VerifyAndReport(cluster);
        return 0;
    }
}
