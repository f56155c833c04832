using Raft.Core;
using Raft.Core.Messages;
using Raft.Core.Storage;

namespace Raft.Benchmarks.Core;

/// <summary>
/// Three <see cref="RaftNode"/>s in one process, each with a <see cref="MemoryLogStore"/> and a counting state machine,
/// joined by a direct in-memory transport: a message in a <see cref="Ready"/> is put in its target's inbox queue and handed
/// to the target's <see cref="RaftNode.Step"/> on that node's next turn. Single-threaded: the caller's thread drives it.
/// Each Ready is carried out exactly as the contract in Ready.cs says: persist (snapshot, then entries and hard state),
/// send, apply, then Advance.
/// </summary>
public sealed class CoreCluster
{
    /// <summary>The node that <see cref="ElectLeader"/> makes leader.</summary>
    public const ulong LeaderNodeId = 1;

    private readonly RaftNode[] nodes;
    private readonly MemoryLogStore[] stores;
    private readonly Queue<Message>[] inboxes;
    private readonly CountingStateMachine[] machines;
    private readonly ulong compactEvery;
    private readonly int ticksEvery;
    private PhaseMeter? meter;
    private long turnsSinceTick;

    /// <param name="size">Number of voters.</param>
    /// <param name="compactEvery">A node's store is compacted once it holds this many applied entries.</param>
    /// <param name="ticksEvery">Every node is ticked once every this many turns (heartbeats and CheckQuorum keep running).</param>
    /// <param name="options">Options for a node, given its id and the configuration (defaults: <see cref="RaftOptions"/>).</param>
    public CoreCluster(int size = 3, ulong compactEvery = 1 << 16, int ticksEvery = 1024, Func<ulong, ClusterConfiguration, RaftOptions>? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        this.compactEvery = compactEvery;
        this.ticksEvery = ticksEvery;
        var ids = Enumerable.Range(1, size).Select(i => (ulong)i).ToArray();
        var configuration = new ClusterConfiguration(ids);
        options ??= (id, config) => new RaftOptions { Id = id, InitialConfiguration = config, RandomSeed = (int)id };
        nodes = new RaftNode[size];
        stores = new MemoryLogStore[size];
        inboxes = new Queue<Message>[size];
        machines = new CountingStateMachine[size];
        for (var i = 0; i < size; i++)
        {
            stores[i] = new MemoryLogStore();
            nodes[i] = new RaftNode(options(ids[i], configuration), stores[i]);
            inboxes[i] = new Queue<Message>(1024);
            machines[i] = new CountingStateMachine();
        }
    }

    public RaftNode Leader => nodes[LeaderNodeId - 1];

    /// <summary>Commands the leader has applied so far (the benchmarks' measure of committed entries).</summary>
    public long LeaderAppliedCommands => machines[LeaderNodeId - 1].Count;

    public IReadOnlyList<RaftNode> Nodes => nodes;

    public IReadOnlyList<MemoryLogStore> Stores => stores;

    public IReadOnlyList<CountingStateMachine> StateMachines => machines;

    /// <summary>Counters of what went over the transport and into Propose since the last <see cref="ResetCounters"/>.</summary>
    public ClusterCounters Counters { get; } = new();

    /// <summary>Attaches (or, with null, detaches) a meter that accounts allocations and time per phase.</summary>
    public void AttachMeter(PhaseMeter? phaseMeter) => meter = phaseMeter;

    public void ResetCounters() => Counters.Reset();

    /// <summary>Ticks node 1 alone until it wins an election, then runs until every node has applied the leader's first entry.</summary>
    public void ElectLeader()
    {
        var leader = Leader;
        for (var tick = 0; leader.Role != RaftRole.Leader; tick++)
        {
            if (tick > 10_000)
            {
                throw new InvalidOperationException("No leader after 10,000 ticks.");
            }

            leader.Tick();
            RunUntilIdle();
        }

        RunUntilIdle();
        foreach (var node in nodes)
        {
            if (node.LeaderId != LeaderNodeId || node.AppliedIndex != leader.CommitIndex)
            {
                throw new InvalidOperationException($"Node {node.Id} did not follow the leader (leader {node.LeaderId}, applied {node.AppliedIndex}, leader commit {leader.CommitIndex}).");
            }
        }
    }

    /// <summary>Proposes a batch on the leader. Returns false when the leader refused it (not leader or overloaded).</summary>
    public bool Propose(ReadOnlySpan<ReadOnlyMemory<byte>> commands)
    {
        var mark = meter is null ? default : PhaseMeter.Begin();
        var result = Leader.Propose(commands);
        meter?.End(Phase.Propose, leader: true, mark);
        if (result.Status != ProposeStatus.Accepted)
        {
            return false;
        }

        Counters.Proposals++;
        Counters.ProposedEntries += commands.Length;
        return true;
    }

    /// <summary>
    /// One turn: every node in turn steps the messages waiting in its inbox and then carries out its Readies.
    /// Messages a node sends are delivered on the target's next turn, so replication is pipelined across turns.
    /// Returns false when no node had anything to do.
    /// </summary>
    public bool RunTurn()
    {
        var busy = false;
        for (var i = 0; i < nodes.Length; i++)
        {
            busy |= RunNode(i);
        }

        if (ticksEvery > 0 && ++turnsSinceTick >= ticksEvery)
        {
            turnsSinceTick = 0;
            TickAll();
        }

        return busy;
    }

    /// <summary>Runs turns until no node has anything to do (every message delivered, every Ready carried out).</summary>
    public void RunUntilIdle()
    {
        while (RunTurn())
        {
        }
    }

    public void TickAll()
    {
        for (var i = 0; i < nodes.Length; i++)
        {
            var mark = meter is null ? default : PhaseMeter.Begin();
            nodes[i].Tick();
            meter?.End(Phase.Tick, IsLeaderIndex(i), mark);
        }
    }

    private static bool IsLeaderIndex(int i) => (ulong)i == LeaderNodeId - 1;

    private bool RunNode(int i)
    {
        var node = nodes[i];
        var inbox = inboxes[i];
        var leader = IsLeaderIndex(i);
        var busy = inbox.Count > 0;
        if (busy)
        {
            var mark = meter is null ? default : PhaseMeter.Begin();
            while (inbox.TryDequeue(out var message))
            {
                node.Step(message);
            }

            meter?.End(Phase.Step, leader, mark);
        }

        while (true)
        {
            var mark = meter is null ? default : PhaseMeter.Begin();
            if (!node.HasReady())
            {
                meter?.End(Phase.GetReady, leader, mark);
                break;
            }

            var ready = node.GetReady();
            meter?.End(Phase.GetReady, leader, mark);
            busy = true;
            HandleReady(i, node, ready, leader);
        }

        MaybeCompact(i, leader);
        return busy;
    }

    private void HandleReady(int i, RaftNode node, Ready ready, bool leader)
    {
        var store = stores[i];
        var machine = machines[i];

        // 1. Persist: a snapshot from the leader first, then the new entries and the hard state in one write.
        var mark = meter is null ? default : PhaseMeter.Begin();
        if (ready.Snapshot is { } snapshot)
        {
            store.InstallSnapshot(snapshot);
        }

        if (ready.HardState is not null || !ready.Entries.IsEmpty)
        {
            store.Save(ready.HardState, ready.Entries);
        }

        meter?.End(Phase.Persist, leader, mark);

        // 2. Send (only now that what the messages promise is durable).
        mark = meter is null ? default : PhaseMeter.Begin();
        var messages = ready.Messages;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            if (message is AppendEntries append)
            {
                Counters.AppendEntries++;
                Counters.ReplicatedEntries += append.Entries.Length;
            }
            else
            {
                Counters.OtherMessages++;
            }

            inboxes[(int)message.To - 1].Enqueue(message);
        }

        meter?.End(Phase.Send, leader, mark);

        // 3. Apply committed entries; 4. install a snapshot into the state machine (never both in one Ready).
        mark = meter is null ? default : PhaseMeter.Begin();
        foreach (ref readonly var entry in ready.CommittedEntries)
        {
            machine.Apply(in entry);
        }

        if (ready.Snapshot is { } installed)
        {
            machine.Restore(installed.Metadata.Index);
        }

        meter?.End(Phase.Apply, leader, mark);

        mark = meter is null ? default : PhaseMeter.Begin();
        Counters.Readies++;
        node.Advance();
        meter?.End(Phase.Advance, leader, mark);
    }

    /// <summary>Keeps memory bounded: once a store holds <c>compactEvery</c> applied entries, snapshot and compact it.</summary>
    private void MaybeCompact(int i, bool leader)
    {
        var node = nodes[i];
        var store = stores[i];
        var applied = node.AppliedIndex;
        if (applied < store.FirstIndex || applied - store.FirstIndex + 1 < compactEvery)
        {
            return;
        }

        var mark = meter is null ? default : PhaseMeter.Begin();
        var upTo = applied;
        if (leader)
        {
            // Never compact entries a follower still needs: that would force a snapshot transfer.
            foreach (var other in nodes)
            {
                if (other.Id != node.Id && node.TryGetProgress(other.Id, out var match, out _, out _))
                {
                    upTo = Math.Min(upTo, match);
                }
            }
        }

        if (upTo >= store.FirstIndex && node.TryGetTerm(upTo, out var term))
        {
            store.SaveSnapshot(new Snapshot(new SnapshotMetadata(upTo, term, node.Configuration), MemorySnapshotSource.Empty));
            store.Compact(upTo);
            Counters.Compactions++;
        }

        meter?.End(Phase.Compact, leader, mark);
    }
}
