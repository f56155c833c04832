using System.Threading.Channels;

namespace Raft.Benchmarks.Core;

/// <summary>
/// Concurrent proposers (thread-pool tasks) write commands one at a time into a bounded channel; the driver thread drains
/// whatever is waiting into one Propose per turn (batching) and keeps turning the cluster without waiting for a batch to
/// commit before proposing the next (pipelining; the core's inflight window bounds it).
/// </summary>
public sealed class ProposerWorkload
{
    private readonly CoreCluster cluster;
    private readonly CommandPool pool;
    private readonly int proposers;
    private readonly Channel<ReadOnlyMemory<byte>> queue;
    private readonly ReadOnlyMemory<byte>[] batch;
    private readonly PhaseMeter? meter;
    private long sequence;

    /// <param name="maxBatch">Most commands taken off the queue into one Propose.</param>
    public ProposerWorkload(CoreCluster cluster, CommandPool pool, int proposers, int queueCapacity = 8192, int maxBatch = 8192, PhaseMeter? meter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(proposers, 1);
        this.cluster = cluster;
        this.pool = pool;
        this.proposers = proposers;
        this.meter = meter;
        queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = proposers == 1,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        batch = new ReadOnlyMemory<byte>[maxBatch];
    }

    /// <summary>How often the driver found nothing to do and blocked until a proposer wrote.</summary>
    public long IdleWaits { get; private set; }

    /// <summary>
    /// Starts the proposers, which write <paramref name="entries"/> commands between them, and drives the cluster until
    /// the leader has applied all of them.
    /// </summary>
    public void Run(int entries)
    {
        var target = cluster.LeaderAppliedCommands + entries;
        var producers = new Task[proposers];
        var share = entries / proposers;
        for (var p = 0; p < proposers; p++)
        {
            var start = sequence;
            var count = p == proposers - 1 ? entries - (share * p) : share;
            sequence += count;
            producers[p] = Task.Run(() => ProduceAsync(start, count));
        }

        var reader = queue.Reader;
        var waiting = 0;
        var idle = default(SpinWait);
        while (cluster.LeaderAppliedCommands < target)
        {
            if (waiting == 0)
            {
                var mark = meter is null ? default : PhaseMeter.Begin();
                while (waiting < batch.Length && reader.TryRead(out var command))
                {
                    batch[waiting++] = command;
                }

                meter?.End(Phase.Dequeue, leader: true, mark);
            }

            if (waiting > 0 && cluster.Propose(batch.AsSpan(0, waiting)))
            {
                waiting = 0;
            }

            if (cluster.RunTurn() || waiting > 0)
            {
                idle.Reset();
            }
            else if (!idle.NextSpinWillYield)
            {
                idle.SpinOnce();
            }
            else
            {
                // Nothing to replicate and nothing queued: sleep until a proposer writes (the two cores are shared with them,
                // and a spinning driver would take the CPU they need).
                idle.Reset();
                IdleWaits++;
                var wait = reader.WaitToReadAsync();
                if (!wait.IsCompleted)
                {
                    wait.AsTask().Wait();
                }
            }
        }

        Task.WaitAll(producers);
    }

    private async Task ProduceAsync(long start, int count)
    {
        var writer = queue.Writer;
        for (var i = 0; i < count; i++)
        {
            var command = pool[start + i];
            if (!writer.TryWrite(command))
            {
                await writer.WriteAsync(command).ConfigureAwait(false);
            }
        }
    }
}
