using BenchmarkDotNet.Attributes;

namespace Raft.Benchmarks.Core;

/// <summary>
/// The same cluster as <see cref="CoreClusterBenchmark"/>, but the driver thread itself proposes batches of a fixed size
/// (no queue, no proposer threads): the cost of the core, stores and transport alone. One operation is one committed entry.
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class CoreBatchBenchmark
{
    public const int EntriesPerInvoke = 1 << 17;

    private CoreCluster cluster = null!;
    private FixedBatchWorkload workload = null!;

    [Params(1, 64, 1024)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        cluster = new CoreCluster();
        cluster.ElectLeader();
        workload = new FixedBatchWorkload(cluster, new CommandPool(1 << 16, CoreClusterBenchmark.CommandSize), BatchSize);
    }

    [Benchmark(OperationsPerInvoke = EntriesPerInvoke)]
    public long FixedBatch()
    {
        workload.Run(EntriesPerInvoke);
        return cluster.LeaderAppliedCommands;
    }

    [GlobalCleanup]
    public void Cleanup() => ClusterCheck.VerifyAndReport(cluster);
}
