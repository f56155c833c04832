namespace Raft.Benchmarks.Core;

/// <summary>
/// The driver thread alone proposes batches of a fixed size, one Propose per turn, without waiting for earlier batches to
/// commit (the core's inflight window bounds the pipeline). No queue and no other threads: this is the core's own cost.
/// </summary>
public sealed class FixedBatchWorkload
{
    private readonly CoreCluster cluster;
    private readonly CommandPool pool;
    private readonly ReadOnlyMemory<byte>[] batch;
    private long sequence;

    public FixedBatchWorkload(CoreCluster cluster, CommandPool pool, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.cluster = cluster;
        this.pool = pool;
        batch = new ReadOnlyMemory<byte>[batchSize];
    }

    /// <summary>Proposes <paramref name="entries"/> commands and runs the cluster until the leader has applied all of them.</summary>
    public void Run(int entries)
    {
        var target = cluster.LeaderAppliedCommands + entries;
        var toPropose = entries;
        while (cluster.LeaderAppliedCommands < target)
        {
            if (toPropose > 0)
            {
                var count = Math.Min(batch.Length, toPropose);
                var commands = batch.AsSpan(0, count);
                pool.Fill(sequence, commands);
                if (cluster.Propose(commands))
                {
                    sequence += count;
                    toPropose -= count;
                }
            }

            cluster.RunTurn();
        }
    }
}
