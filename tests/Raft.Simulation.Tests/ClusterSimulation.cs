using Raft.Core;
using Raft.Core.Messages;
using Raft.Core.Storage;
using Raft.Simulation.Tests.Linearizability;

namespace Raft.Simulation.Tests;

/// <summary>
/// Runs a cluster of real <see cref="RaftNode"/>s on one thread from a seed (in the spirit of TigerBeetle's VOPR): a network
/// that drops, delays, duplicates, reorders and partitions; nodes that crash (losing all they had not persisted), restart
/// and pause; clients that write and read with unique values. Each step is one event; after each step the
/// <see cref="SafetyChecker"/> checks the Raft invariants. At the end the client history is checked for linearizability,
/// and liveness is checked: once faults stop, a leader is elected and a new proposal commits everywhere within a bound.
/// Everything random comes from one seeded <see cref="Random"/>, so a seed replays exactly.
/// </summary>
public sealed class ClusterSimulation
{
    private const int ElectionTimeoutMin = 10;
    private const int ElectionTimeoutMax = 20;

    private readonly SimulationSettings settings;
    private readonly int seed;
    private readonly Random random;
    private readonly SimulatedNode[] nodes;
    private readonly List<Message> network = [];
    private readonly HashSet<(ulong From, ulong To)> blockedLinks = [];
    private readonly SafetyChecker checker = new();
    private readonly List<ClientOperation> history = [];
    private readonly Dictionary<ulong, List<ClientOperation>> writesByIndex = [];
    private readonly SimulationStatistics statistics = new();
    private readonly string[] keys;
    private readonly ClusterConfiguration configuration;

    // The fault mix is drawn per seed, so that seeds explore calm and hostile networks alike.
    private readonly double dropRate;
    private readonly double duplicateRate;
    private readonly double reorderRate;
    private readonly double faultRate;
    private readonly double deferReadyRate;
    private readonly double crashPointRate;
    private readonly int snapshotInterval;
    private readonly int maxInflight;
    private readonly long maxAppendBytes;

    private long clock;
    private long nextOperationId;
    private bool faultsEnabled = true;

    public ClusterSimulation(int seed, SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.seed = seed;
        this.settings = settings;
        random = new Random(seed);
        dropRate = random.NextDouble() * 0.15;
        duplicateRate = random.NextDouble() * 0.05;
        reorderRate = random.NextDouble() * 0.3;
        faultRate = 0.001 + (random.NextDouble() * 0.008);
        deferReadyRate = random.NextDouble() * 0.4;
        crashPointRate = random.NextDouble() * 0.01;
        snapshotInterval = random.Next(10, 200);
        maxInflight = random.Next(1, 16);
        maxAppendBytes = (long)Math.Exp(random.NextDouble() * Math.Log(4000 / 30.0)) * 30; // log-uniform: often one entry per message
        keys = Enumerable.Range(0, random.Next(2, 6)).Select(i => $"k{i}").ToArray();
        configuration = new ClusterConfiguration(Enumerable.Range(1, settings.Nodes).Select(i => (ulong)i));
        nodes = new SimulatedNode[settings.Nodes];
        for (var i = 0; i < nodes.Length; i++)
        {
            var id = (ulong)(i + 1);
            nodes[i] = new SimulatedNode(id, settings.StorageFactory(id, seed));
            Start(nodes[i]);
        }
    }


    /// <summary>The one-line command that replays this run.</summary>
    public string ReplayCommand =>
        $"RAFT_SIM_SEED={seed} RAFT_SIM_NODES={settings.Nodes} RAFT_SIM_STEPS={settings.Steps}{settings.ReplayEnvironment} dotnet test -c Release tests/Raft.Simulation.Tests --filter FullyQualifiedName~ReplaySeed";

    public static SimulationResult Run(int seed, SimulationSettings settings)
    {
        var simulation = new ClusterSimulation(seed, settings);
        try
        {
            return simulation.Run();
        }
        finally
        {
            foreach (var node in simulation.nodes)
            {
                node.Storage.Dispose();
            }
        }
    }

    private SimulationResult Run()
    {
        string? failure = null;
        try
        {
            for (var step = 0; step < settings.Steps; step++)
            {
                Step();
                CheckInvariants();
            }

            CheckLiveness();
            CheckLinearizability();
        }
        catch (SimulationFailure e)
        {
            failure = e.Message;
        }
#pragma warning disable CA1031 // Any exception escaping the core is a failure to report with its seed, not a crash of the test run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}";
        }

        statistics.Elections = checker.Elections;
        statistics.CommitIndex = checker.HighestCommit;
        return new SimulationResult(seed, settings.Nodes, failure, ReplayCommand, statistics);
    }

    private void Step()
    {
        if (faultsEnabled && random.NextDouble() < faultRate)
        {
            InjectFault();
            return;
        }

        var roll = random.NextDouble();
        if (roll < 0.50)
        {
            DeliverOne();
        }
        else if (roll < 0.72)
        {
            var node = Pick(n => n.CanAct);
            if (node is not null)
            {
                node.Raft!.Tick();
                AfterInput(node);
            }
        }
        else if (roll < 0.84)
        {
            var node = Pick(n => n.CanAct && n.Raft!.HasReady());
            if (node is not null)
            {
                ProcessReady(node);
            }
        }
        else if (roll < 0.94)
        {
            ClientWrite();
        }
        else
        {
            ClientRead();
        }
    }

    private SimulatedNode? Pick(Func<SimulatedNode, bool> predicate)
    {
        var start = random.Next(nodes.Length);
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[(start + i) % nodes.Length];
            if (predicate(node))
            {
                return node;
            }
        }

        return null;
    }

    private SimulatedNode? PickLeaderOrAny() =>
        random.NextDouble() < 0.7 ? Pick(n => n.CanAct && n.Raft!.Role == RaftRole.Leader) ?? Pick(n => n.CanAct) : Pick(n => n.CanAct);

    private void AfterInput(SimulatedNode node)
    {
        // Sometimes leave the Ready for later, so that crashes can strike between a decision and its persistence.
        if (random.NextDouble() >= deferReadyRate)
        {
            ProcessReady(node);
        }
    }

    private void DeliverOne()
    {
        if (network.Count == 0)
        {
            return;
        }

        var start = random.NextDouble() < reorderRate ? random.Next(network.Count) : 0;
        for (var i = start; i < network.Count; i++)
        {
            var message = network[i];
            var target = nodes[(int)message.To - 1];
            if (target.Paused)
            {
                continue;
            }

            network.RemoveAt(i);
            if (!target.IsUp || blockedLinks.Contains((message.From, message.To)) || random.NextDouble() < dropRate)
            {
                return;
            }

            if (random.NextDouble() < duplicateRate)
            {
                network.Insert(random.Next(network.Count + 1), message);
            }

            target.Raft!.Step(message);
            AfterInput(target);
            return;
        }
    }

    private void ProcessReady(SimulatedNode node)
    {
        var raft = node.Raft!;
        while (raft.HasReady())
        {
            var ready = raft.GetReady();
            var store = node.Store!;
            if (ready.Snapshot is { } snapshot)
            {
                store.InstallSnapshot(snapshot);
            }

            checker.OnPersist(node, ready.Entries);
            if (ready.MustSync)
            {
                // As the runtime does: a change of the commit index alone is not written, so restarts find an older one.
                store.Save(ready.HardState, ready.Entries);
            }

            if (CrashesAtThisPoint(node))
            {
                // Persisted, but nothing was sent or applied.
                return;
            }

            foreach (var message in ready.Messages)
            {
                network.Add(message is InstallSnapshot install ? Detach(install) : message);
            }

            if (CrashesAtThisPoint(node))
            {
                // Sent, but not applied: the node must not lose what it acknowledged.
                return;
            }

            foreach (var entry in ready.CommittedEntries)
            {
                checker.OnApply(node, entry);
                node.StateMachine.Apply(entry);
                OnApplied(entry);
            }

            if (ready.Snapshot is { } installed)
            {
                using var data = installed.Source.OpenRead();
                node.StateMachine.Restore(installed.Metadata.Index, data);
                statistics.SnapshotsInstalled++;
            }

            foreach (var read in ready.ReadStates)
            {
                if (node.Reads.TryGetValue(read.Context, out var operation))
                {
                    operation.ReadIndex = Math.Max(read.Index, 1);
                }
            }

            raft.Advance();
            ServeReads(node);
            MaybeSnapshot(node);
        }
    }

    /// <summary>A snapshot travels as bytes, as the transport streams it when sending: the sender's file may be gone on arrival.</summary>
    private static InstallSnapshot Detach(InstallSnapshot install) =>
        install with { Snapshot = install.Snapshot with { Source = MemorySnapshotSource.CopyOf(install.Snapshot.Source) } };

    private bool CrashesAtThisPoint(SimulatedNode node)
    {
        if (!faultsEnabled || random.NextDouble() >= crashPointRate)
        {
            return false;
        }

        Crash(node);
        return true;
    }

    private void OnApplied(in LogEntry entry)
    {
        if (!writesByIndex.Remove(entry.Index, out var writes))
        {
            return;
        }

        foreach (var write in writes)
        {
            if (write.Term == entry.Term)
            {
                write.CompletedAt = ++clock;
                statistics.WritesAcknowledged++;
            }
            else
            {
                // Another entry was committed at this index, so this write never took effect.
                write.Discarded = true;
            }
        }
    }

    private void ServeReads(SimulatedNode node)
    {
        List<ulong>? served = null;
        foreach (var (context, read) in node.Reads)
        {
            if (read.ReadIndex != 0 && node.StateMachine.AppliedIndex >= read.ReadIndex)
            {
                read.Observed = node.StateMachine.Get(read.Key);
                read.CompletedAt = ++clock;
                statistics.ReadsServed++;
                (served ??= []).Add(context);
            }
        }

        foreach (var context in served ?? [])
        {
            node.Reads.Remove(context);
        }
    }

    private void MaybeSnapshot(SimulatedNode node)
    {
        var store = node.Store!;
        var applied = node.StateMachine.AppliedIndex;
        if (applied < store.SnapshotMetadata.Index + (ulong)snapshotInterval || !node.Raft!.TryGetTerm(applied, out var term))
        {
            return;
        }

        var metadata = new SnapshotMetadata(applied, term, node.Raft.Configuration);
        store.SaveSnapshot(new Snapshot(metadata, new MemorySnapshotSource(node.StateMachine.TakeSnapshot())));
        // Keep a random tail of entries behind the snapshot, so followers are sometimes served from the log, sometimes by snapshot.
        var compactTo = applied - Math.Min(applied, (ulong)random.Next(0, 20));
        if (compactTo >= store.FirstIndex)
        {
            store.Compact(compactTo);
        }

        statistics.SnapshotsTaken++;
    }

    private void ClientWrite()
    {
        var node = PickLeaderOrAny();
        if (node is null)
        {
            return;
        }

        var id = ++nextOperationId;
        var key = keys[random.Next(keys.Length)];
        var isDelete = random.NextDouble() < 0.15;
        var command = new KvCommand(isDelete, id, key, isDelete ? null : $"v{id}");
        var invokedAt = ++clock;
        var result = node.Raft!.Propose(command.Encode());
        if (!result.IsAccepted)
        {
            return;
        }

        var operation = new ClientOperation(id, isDelete ? KvOperationKind.Delete : KvOperationKind.Set, key, command.Value, invokedAt) { Term = result.Term };
        history.Add(operation);
        if (!writesByIndex.TryGetValue(result.FirstIndex, out var list))
        {
            writesByIndex[result.FirstIndex] = list = [];
        }

        list.Add(operation);
        AfterInput(node);
    }

    private void ClientRead()
    {
        var node = PickLeaderOrAny();
        if (node is null)
        {
            return;
        }

        var id = ++nextOperationId;
        var key = keys[random.Next(keys.Length)];
        var operation = new ClientOperation(id, KvOperationKind.Get, key, null, ++clock);
        if (!node.Raft!.ReadIndex((ulong)id))
        {
            return;
        }

        history.Add(operation);
        node.Reads[(ulong)id] = operation;
        AfterInput(node);
    }

    private void InjectFault()
    {
        var kind = random.Next(8);
        switch (kind)
        {
            case 0:
            case 1:
                var victim = random.NextDouble() < 0.5 ? Pick(n => n.IsUp && n.Raft!.Role == RaftRole.Leader) ?? Pick(n => n.IsUp) : Pick(n => n.IsUp);
                if (victim is not null)
                {
                    Crash(victim);
                }

                break;
            case 2:
            case 3:
                var down = Pick(n => !n.IsUp);
                if (down is not null)
                {
                    Start(down);
                }

                break;
            case 4:
                Partition();
                break;
            case 5:
                blockedLinks.Clear();
                break;
            case 6:
                var paused = Pick(n => n.IsUp && !n.Paused);
                if (paused is not null)
                {
                    paused.Paused = true;
                    statistics.Pauses++;
                }

                break;
            default:
                var resumed = Pick(n => n.Paused);
                if (resumed is not null)
                {
                    resumed.Paused = false;
                }

                break;
        }
    }

    private void Partition()
    {
        blockedLinks.Clear();
        statistics.Partitions++;
        var ids = nodes.Select(n => n.Id).ToArray();
        var leader = nodes.FirstOrDefault(n => n.IsUp && n.Raft!.Role == RaftRole.Leader)?.Id ?? ids[random.Next(ids.Length)];
        switch (random.Next(4))
        {
            case 0:
                // Symmetric split into a random side and the rest (minority/majority or the other way round).
                var side = ids.Where(_ => random.NextDouble() < 0.5).ToHashSet();
                foreach (var a in ids)
                {
                    foreach (var b in ids)
                    {
                        if (side.Contains(a) != side.Contains(b))
                        {
                            blockedLinks.Add((a, b));
                        }
                    }
                }

                break;
            case 1:
                // The leader is isolated.
                foreach (var other in ids.Where(id => id != leader))
                {
                    blockedLinks.Add((leader, other));
                    blockedLinks.Add((other, leader));
                }

                break;
            case 2:
                // Asymmetric: the leader can send but hears nothing back.
                foreach (var other in ids.Where(id => id != leader))
                {
                    blockedLinks.Add((other, leader));
                }

                break;
            default:
                // Asymmetric: random one-way links fail.
                foreach (var a in ids)
                {
                    foreach (var b in ids)
                    {
                        if (a != b && random.NextDouble() < 0.3)
                        {
                            blockedLinks.Add((a, b));
                        }
                    }
                }

                break;
        }
    }

    private void Crash(SimulatedNode node)
    {
        statistics.Crashes++;
        node.Raft = null;
        node.Store = null;
        node.Paused = false;
        node.Storage.Crash();
        node.Reads.Clear();
    }

    private void Start(SimulatedNode node)
    {
        var store = node.Storage.Open();
        node.Store = store;
        node.StateMachine = new KvStateMachine();
        var snapshot = store.GetSnapshot();
        if (!snapshot.IsEmpty)
        {
            using var data = snapshot.Source.OpenRead();
            node.StateMachine.Restore(snapshot.Metadata.Index, data);
        }

        var options = new RaftOptions
        {
            Id = node.Id,
            InitialConfiguration = configuration,
            ElectionTimeoutMinTicks = ElectionTimeoutMin,
            ElectionTimeoutMaxTicks = ElectionTimeoutMax,
            HeartbeatIntervalTicks = 2,
            MaxInflightMessages = maxInflight,
            MaxAppendEntriesBytes = maxAppendBytes,
            RandomSeed = random.Next(),
        };
        node.Raft = settings.NodeFactory(options, store);
        checker.OnRestart(node);
    }

    private void CheckInvariants()
    {
        foreach (var node in nodes)
        {
            if (node.IsUp)
            {
                checker.AfterStep(node);
            }
        }
    }

    /// <summary>
    /// Heal everything and stop faults; then within a bounded number of ticks a leader must be elected and a new proposal
    /// must commit on every node (which commits every entry before it in the leader's log).
    /// </summary>
    private void CheckLiveness()
    {
        faultsEnabled = false;
        blockedLinks.Clear();
        foreach (var node in nodes)
        {
            node.Paused = false;
            if (!node.IsUp)
            {
                Start(node);
            }
        }

        var leader = RunUntil(() => SingleLeader(), maxRounds: 10 * ElectionTimeoutMax)
            ?? throw new SimulationFailure($"Liveness: no leader within {10 * ElectionTimeoutMax} ticks after the network healed.");

        var id = ++nextOperationId;
        var marker = new KvCommand(false, id, keys[0], $"v{id}");
        var invokedAt = ++clock;
        var result = leader.Raft!.Propose(marker.Encode());
        if (!result.IsAccepted)
        {
            throw new SimulationFailure($"Liveness: the leader {leader.Id} refused a proposal ({result.Status}).");
        }

        history.Add(new ClientOperation(id, KvOperationKind.Set, marker.Key, marker.Value, invokedAt) { Term = result.Term });
        writesByIndex.TryAdd(result.FirstIndex, []);
        writesByIndex[result.FirstIndex].Add(history[^1]);
        var index = result.FirstIndex;
        if (RunUntil(() => nodes.All(n => n.StateMachine.AppliedIndex >= index) ? leader : null, maxRounds: 10 * ElectionTimeoutMax) is null)
        {
            var applied = string.Join(", ", nodes.Select(n => $"{n.Id}:{n.StateMachine.AppliedIndex}"));
            throw new SimulationFailure($"Liveness: a proposal at index {index} did not reach every node within {10 * ElectionTimeoutMax} ticks (applied {applied}).");
        }
    }

    private SimulatedNode? SingleLeader()
    {
        var leaders = nodes.Where(n => n.Raft!.Role == RaftRole.Leader).ToList();
        if (leaders.Count == 0)
        {
            return null;
        }

        var leader = leaders.MaxBy(n => n.Raft!.Term)!;
        return nodes.All(n => n.Raft!.Term == leader.Raft!.Term && n.Raft.LeaderId == leader.Id) ? leader : null;
    }

    /// <summary>Ticks every node once per round and delivers every message without loss, until <paramref name="done"/> returns a node.</summary>
    private SimulatedNode? RunUntil(Func<SimulatedNode?> done, int maxRounds)
    {
        for (var round = 0; round < maxRounds; round++)
        {
            foreach (var node in nodes)
            {
                node.Raft!.Tick();
                ProcessReady(node);
            }

            var deliveries = 0;
            while (network.Count > 0)
            {
                if (++deliveries > 1_000_000)
                {
                    throw new SimulationFailure("Liveness: the cluster never stops sending messages.");
                }

                var message = network[0];
                network.RemoveAt(0);
                var target = nodes[(int)message.To - 1];
                target.Raft!.Step(message);
                ProcessReady(target);
            }

            CheckInvariants();
            if (done() is { } result)
            {
                return result;
            }
        }

        return null;
    }

    private void CheckLinearizability()
    {
        var operations = new List<KvOperation>();
        foreach (var operation in history)
        {
            if (operation.Discarded || (operation.Kind == KvOperationKind.Get && operation.CompletedAt is null))
            {
                continue;
            }

            if (operation.Kind != KvOperationKind.Get && operation.CompletedAt is null)
            {
                statistics.WritesUnknown++;
            }

            operations.Add(operation.ToOperation());
        }

        var result = LinearizabilityChecker.Check(operations);
        if (result.Inconclusive)
        {
            statistics.Inconclusive++;
        }

        if (!result.IsLinearizable)
        {
            throw new SimulationFailure($"Linearizability violated on key {result.Key}: {result.Explanation}");
        }
    }
}
