using BenchmarkDotNet.Attributes;

namespace Raft.Benchmarks.Core;

/// <summary>
/// A 3-node cluster of the core in one process (in-memory stores, direct in-memory transport) fed by concurrent proposers
/// through a bounded channel; the driver batches whatever is queued into one Propose per turn and pipelines.
/// One operation is one committed (applied on the leader) 64-byte command: Mean is time per entry, Op/s is entries per
/// second and Allocated is bytes per entry (all threads, proposers included).
/// </summary>
[MemoryDiagnoser]
[OperationsPerSecond]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class CoreClusterBenchmark
{
    public const int EntriesPerInvoke = 1 << 17;
    public const int CommandSize = 64;

    private CoreCluster cluster = null!;
    private ProposerWorkload workload = null!;

    [Params(1, 16, 64)]
    public int Proposers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        cluster = new CoreCluster();
        cluster.ElectLeader();
        workload = new ProposerWorkload(cluster, new CommandPool(1 << 16, CommandSize), Proposers);
    }

    [Benchmark(OperationsPerInvoke = EntriesPerInvoke)]
    public long ConcurrentProposers()
    {
        workload.Run(EntriesPerInvoke);
        return cluster.LeaderAppliedCommands;
    }

    [GlobalCleanup]
    public void Cleanup() => ClusterCheck.VerifyAndReport(cluster);
}
