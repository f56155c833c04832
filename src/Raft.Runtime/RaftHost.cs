using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Raft.Core;
using Raft.Core.Messages;
using Raft.Core.Storage;
using Raft.Transport;

namespace Raft.Runtime;

/// <summary>
/// Runs one <see cref="RaftNode"/>: a single loop owns the core and its store (ticks, peer messages, client requests in;
/// each Ready persisted with one durable write, then sent, then handed to the applier, then Advance), and an applier task
/// applies committed entries to the <see cref="IStateMachine"/> in order, answers proposals and releases reads.
/// Client commands that wait while the loop is busy go into one proposal, one append and one fsync (batching); followers
/// receive AppendEntries without waiting for earlier replies, up to the core's inflight window (pipelining).
/// </summary>
public sealed class RaftHost : IAsyncDisposable
{
    private readonly RaftHostOptions options;
    private readonly ILogStore store;
    private readonly IRaftTransport transport;
    private readonly IStateMachine stateMachine;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly RaftNode node;
    // Both the loop and the applier run on dedicated threads that block on these queues: blocking fsyncs and waits stay
    // off the thread pool, and a wake-up costs one semaphore release, not a pool work item.
    private readonly BlockingCollection<LoopInput> inputs;
    private readonly BlockingCollection<ApplyWork> applyQueue = new(new ConcurrentQueue<ApplyWork>());
    private readonly ConcurrentDictionary<ulong, PendingRead> readsAwaitingIndex = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly List<PendingWrite> batch = [];
    private readonly List<ReadOnlyMemory<byte>> batchCommands = [];
    // Writes answered at commit (ReplicateAsync), lowest index first. Not a FIFO: a leader deposed and elected again may
    // propose at an index below that of an earlier write still waiting. Only the loop touches it (and DisposeAsync after
    // the loop ended).
    private readonly PriorityQueue<(ulong Term, PendingWrite Write), ulong> commitWaiters = new();
    private Thread? loopThread;
    private Thread? applyThread;
    private ITimer? ticker;
    private long nextReadContext;
    private HardState persisted;
    private volatile RaftStatus status;
    private volatile Exception? failure;
    private ulong appliedIndex;
    private ulong snapshotIndex;
    private bool snapshotInProgress;
    private ulong lastLeader;
    // The loop's configuration, for the applier's snapshots (the core is the loop's alone).
    private volatile ClusterConfiguration configuration;
    private Task snapshotPreparation = Task.CompletedTask;
    private int disposed;

    public RaftHost(RaftHostOptions options, ILogStore store, IRaftTransport transport, IStateMachine stateMachine, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.store = store ?? throw new ArgumentNullException(nameof(store));
        this.transport = transport ?? throw new ArgumentNullException(nameof(transport));
        this.stateMachine = stateMachine ?? throw new ArgumentNullException(nameof(stateMachine));
        this.time = time ?? TimeProvider.System;
        this.logger = logger ?? NullLogger.Instance;
        inputs = new BlockingCollection<LoopInput>(new ConcurrentQueue<LoopInput>(), options.MaxQueuedRequests);
        Directory.CreateDirectory(options.SnapshotScratchDirectory);

        // The state machine starts from the latest snapshot; the core re-delivers the committed entries after it.
        var snapshot = store.GetSnapshot();
        if (!snapshot.IsEmpty)
        {
            using var data = snapshot.Source.OpenRead();
            stateMachine.RestoreSnapshot(data);
        }

        snapshotIndex = snapshot.Metadata.Index;
        appliedIndex = snapshotIndex;
        node = new RaftNode(options.Raft, store);
        configuration = node.Configuration;
        persisted = store.HardState;
        status = RaftStatus.Initial(options.Raft.Id);
        UpdateStatus();
    }

    public RaftCounters Counters { get; } = new();

    /// <summary>The node's state as of the loop's last turn.</summary>
    public RaftStatus Status => status;

    /// <summary>Set when the host stopped because its storage failed (fail-stop).</summary>
    public Exception? Failure => failure;

    /// <summary>Raised on the loop thread when the known leader changes (0 = none). Handlers must be quick.</summary>
    public event Action<ulong>? LeaderChanged;

    public void Start()
    {
        loopThread = new Thread(RunLoop) { IsBackground = true, Name = $"raft-loop-{node.Id}" };
        applyThread = new Thread(RunApplier) { IsBackground = true, Name = $"raft-apply-{node.Id}" };
        loopThread.Start();
        applyThread.Start();
        ticker = time.CreateTimer(_ => TryPost(LoopInput.Tick.Instance), null, options.TickInterval, options.TickInterval);
    }

    /// <summary>Hands a message from a peer to the node (never blocks; dropped if the node is overloaded, as the network may).</summary>
    public void Deliver(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is AppendEntries)
        {
            Counters.AddAppendEntriesReceived();
        }
        else if (message is AppendEntriesResponse { Success: false, Index: > 0 })
        {
            Counters.AddAppendEntriesRejected();
        }

        TryPost(new LoopInput.Peer(message));
    }

    /// <summary>
    /// Replicates a command and returns the state machine's answer once it is applied here. Fails with
    /// <see cref="RaftRequestException"/>: NotLeader (with the leader's id), NotCommitted (it did not happen), Timeout
    /// (outcome unknown), Overloaded or ShuttingDown.
    /// </summary>
    public Task<object?> ProposeAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default) =>
        SubmitAsync(command, atCommit: false, cancellationToken);

    /// <summary>
    /// Replicates a command and completes once it is committed: durable on a quorum, so it will take effect, and every
    /// later <see cref="ReadBarrierAsync"/> on any node sees it. It does not wait for this node's state machine to apply it,
    /// which saves a thread hop per write; use it when the answer of <see cref="IStateMachine.Apply"/> is not needed. Fails
    /// as <see cref="ProposeAsync"/> does.
    /// </summary>
    public Task ReplicateAsync(ReadOnlyMemory<byte> command, CancellationToken cancellationToken = default) =>
        SubmitAsync(command, atCommit: true, cancellationToken);

    private async Task<object?> SubmitAsync(ReadOnlyMemory<byte> command, bool atCommit, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var write = new PendingWrite(command, time.GetTimestamp(), atCommit);
        if (!TryPost(new LoopInput.Propose(write)))
        {
            throw new RaftRequestException(RaftFailureReason.Overloaded, "Too many requests are queued; retry later.");
        }

        try
        {
            return await write.Completion.Task.WaitAsync(options.RequestTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RaftRequestException(RaftFailureReason.Timeout, $"The write was not applied within {options.RequestTimeout.TotalMilliseconds:0} ms; its outcome is unknown (it may still commit).");
        }
    }

    /// <summary>
    /// Completes once the local state machine reflects every write committed before the call (ReadIndex: the leader confirms
    /// with a quorum that it still leads). Read the state machine after it returns.
    /// </summary>
    public async Task ReadBarrierAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        var read = new PendingRead((ulong)Interlocked.Increment(ref nextReadContext));
        if (!TryPost(new LoopInput.Read(read)))
        {
            throw new RaftRequestException(RaftFailureReason.Overloaded, "Too many requests are queued; retry later.");
        }

        try
        {
            await read.Completion.Task.WaitAsync(options.RequestTimeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            readsAwaitingIndex.TryRemove(read.Context, out _);
            throw new RaftRequestException(RaftFailureReason.Timeout, $"Leadership could not be confirmed within {options.RequestTimeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>A linearizable read: waits for <see cref="ReadBarrierAsync"/>, then runs <paramref name="read"/> against the state machine.</summary>
    public async Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        await ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        return read();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        if (ticker is not null)
        {
            await ticker.DisposeAsync().ConfigureAwait(false);
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        inputs.CompleteAdding();
        loopThread?.Join();
        applyQueue.CompleteAdding();
        applyThread?.Join();
        // The store must not be closed under a snapshot still being written (it gives up on posting to the stopped loop).
        await snapshotPreparation.ConfigureAwait(false);
        while (inputs.TryTake(out var input))
        {
            Fail(input, RaftFailureReason.ShuttingDown, "The node is shutting down.");
        }

        FailPendingReads(RaftFailureReason.ShuttingDown, "The node is shutting down.");
        FailCommitWaiters(ulong.MaxValue, new RaftRequestException(RaftFailureReason.ShuttingDown, "The node stopped before the write was committed; its outcome is unknown."));
        inputs.Dispose();
        applyQueue.Dispose();
        stopping.Dispose();
    }

    private bool TryPost(LoopInput input)
    {
        try
        {
            return inputs.TryAdd(input);
        }
        catch (InvalidOperationException)
        {
            // Adding is complete (or the queue is disposed): the node is stopping.
            return false;
        }
    }

    private void PostApply(ApplyWork work)
    {
        try
        {
            applyQueue.Add(work);
        }
        catch (InvalidOperationException)
        {
            // Stopping: the applier fails what it still holds.
        }
    }

    private void ThrowIfFailed()
    {
        if (failure is { } e)
        {
            throw new RaftRequestException($"The node stopped after a storage failure: {e.Message}", e);
        }

        if (stopping.IsCancellationRequested)
        {
            throw new RaftRequestException(RaftFailureReason.ShuttingDown, "The node is shutting down.");
        }
    }

    private void RunLoop()
    {
        try
        {
            while (inputs.TryTake(out var first, Timeout.Infinite, stopping.Token))
            {
                // Take everything that is waiting: many commands become one proposal, one append, one fsync.
                Handle(first);
                while (batch.Count < options.MaxBatchCommands && inputs.TryTake(out var input))
                {
                    Handle(input);
                }

                ProposeBatch();
                while (node.HasReady())
                {
                    HandleReady(node.GetReady());
                }

                UpdateStatus();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failure of the loop (storage) stops this node; it must be recorded, not crash the process.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
            logger.LogCritical(e, "Node {Node} stopped: {Message}. It no longer votes or serves; restart it once the cause is fixed.", options.NodeName(node.Id), e.Message);
            FailPendingReads(RaftFailureReason.StorageFailed, $"The node stopped: {e.Message}");
            FailCommitWaiters(ulong.MaxValue, new RaftRequestException(RaftFailureReason.StorageFailed, $"The node stopped: {e.Message}"));
            foreach (var write in batch)
            {
                write.Completion.TrySetException(new RaftRequestException(RaftFailureReason.StorageFailed, $"The node stopped: {e.Message}"));
            }

            inputs.CompleteAdding();
            while (inputs.TryTake(out var input))
            {
                Fail(input, RaftFailureReason.StorageFailed, $"The node stopped: {e.Message}");
            }

            applyQueue.CompleteAdding();
        }
    }

    private void Handle(LoopInput input)
    {
        switch (input)
        {
            case LoopInput.Tick:
                node.Tick();
                break;
            case LoopInput.Peer peer:
                node.Step(peer.Message);
                break;
            case LoopInput.Propose propose:
                batch.Add(propose.Write);
                break;
            case LoopInput.Read read:
                readsAwaitingIndex[read.PendingRead.Context] = read.PendingRead;
                if (!node.ReadIndex(read.PendingRead.Context))
                {
                    readsAwaitingIndex.TryRemove(read.PendingRead.Context, out _);
                    read.PendingRead.Completion.TrySetException(new RaftRequestException(RaftFailureReason.NoLeader, "No leader is known; retry shortly."));
                }

                break;
            case LoopInput.SnapshotTaken taken:
                SaveSnapshot(taken);
                break;
        }
    }

    private static void Fail(LoopInput input, RaftFailureReason reason, string message)
    {
        switch (input)
        {
            case LoopInput.Propose propose:
                propose.Write.Completion.TrySetException(new RaftRequestException(reason, message));
                break;
            case LoopInput.Read read:
                read.PendingRead.Completion.TrySetException(new RaftRequestException(reason, message));
                break;
        }
    }

    private void ProposeBatch()
    {
        if (batch.Count == 0)
        {
            return;
        }

        batchCommands.Clear();
        foreach (var write in batch)
        {
            batchCommands.Add(write.Command);
        }

        var result = node.Propose(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batchCommands));
        if (result.IsAccepted)
        {
            Counters.AddProposals(batch.Count);
            // Only writes that wait for the applier's answer go to it (allocated for the first such write).
            PendingWrite?[]? forApplier = null;
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch[i].AtCommit)
                {
                    commitWaiters.Enqueue((result.Term, batch[i]), result.FirstIndex + (ulong)i);
                }
                else
                {
                    (forApplier ??= new PendingWrite?[batch.Count])[i] = batch[i];
                }
            }

            if (forApplier is not null)
            {
                PostApply(new ApplyWork.Writes(result.FirstIndex, result.Term, forApplier));
            }
        }
        else
        {
            var exception = result.Status == ProposeStatus.Overloaded
                ? new RaftRequestException(RaftFailureReason.Overloaded, "The leader has too much uncommitted data; retry later.")
                : result.LeaderHint != RaftNode.None
                    ? new RaftRequestException(RaftFailureReason.NotLeader, "This node is not the leader.", result.LeaderHint)
                    : new RaftRequestException(RaftFailureReason.NoLeader, "No leader is known; retry shortly.");
            foreach (var write in batch)
            {
                write.Completion.TrySetException(exception);
            }
        }

        batch.Clear();
    }

    private void HandleReady(Ready ready)
    {
        // Entries committed are already durable on a quorum: the writes that wait only for that are answered before this
        // Ready's sends and fsync, which are not theirs to wait for.
        var committed = ready.CommittedEntries;
        if (!committed.IsEmpty)
        {
            AnswerCommitted(committed);
        }

        // A leader may send before its own write is durable (thesis 10.2.1): it counts itself towards a quorum only after
        // Advance. Anything that promises durable state (votes, acknowledgements, a new term) waits for the write.
        var hardState = ready.HardState;
        var sendFirst = ready.Role == RaftRole.Leader && ready.Snapshot is null
            && (hardState is null || (hardState.Value.Term == persisted.Term && hardState.Value.Vote == persisted.Vote));
        if (sendFirst)
        {
            Send(ready.Messages);
        }

        if (ready.Snapshot is { } snapshot)
        {
            store.InstallSnapshot(snapshot);
            Counters.AddSnapshotInstalled();
        }

        if (hardState is { } next && next.Term > persisted.Term && next.Vote == node.Id)
        {
            // A new term with our own vote: this node started an election (seen even when it won within one step).
            Counters.AddElection();
        }

        // A Ready that only moves the commit index is not written: the commit index on disk is a hint, and a sync here would
        // sit between a quorum's acknowledgement and the client's answer (etcd's MustSync).
        if (ready.MustSync)
        {
            var started = time.GetTimestamp();
            store.Save(hardState, ready.Entries);
            Counters.PersistObserved?.Invoke(time.GetElapsedTime(started));
            if (hardState is { } saved)
            {
                persisted = saved;
            }
        }

        if (!sendFirst)
        {
            Send(ready.Messages);
        }

        if (!committed.IsEmpty)
        {
            Counters.AddCommits(committed.Length);
            PostApply(new ApplyWork.Entries(committed.ToArray()));
        }

        if (ready.Snapshot is { } installed)
        {
            PostApply(new ApplyWork.Install(installed));
            FailCommitWaiters(installed.Metadata.Index, PassedBySnapshot());
        }

        if (ready.ReadStates.Count > 0)
        {
            ReleaseReads(ready.ReadStates);
        }

        if (ready.RoleChanged)
        {
            OnRoleChanged(ready.Role, ready.LeaderId);
        }

        node.Advance();
    }

    // Answers the writes that wait only for commit: here on the loop, without waiting for the applier.
    private void AnswerCommitted(ReadOnlySpan<LogEntry> committed)
    {
        var first = committed[0].Index;
        var last = committed[^1].Index;
        while (commitWaiters.TryPeek(out var waiter, out var index) && index <= last)
        {
            commitWaiters.Dequeue();
            if (index < first)
            {
                // Every Ready answers the waiters up to its last committed entry, and a write is proposed above the commit
                // index: a lower one was passed over by a snapshot.
                waiter.Write.Completion.TrySetException(PassedBySnapshot());
            }
            else
            {
                Complete(waiter.Write, waiter.Term, committed[(int)(index - first)].Term, null);
            }
        }
    }

    // A write proposed in `proposedTerm` takes effect only if the entry committed at its index is from that term; another
    // entry committed there is there for good, and the write can never take effect.
    private void Complete(PendingWrite write, ulong proposedTerm, ulong committedTerm, object? result)
    {
        if (committedTerm == proposedTerm)
        {
            Counters.CommitObserved?.Invoke(time.GetElapsedTime(write.StartedAt));
            write.Completion.TrySetResult(result);
        }
        else
        {
            write.Completion.TrySetException(new RaftRequestException(RaftFailureReason.NotCommitted, "Leadership changed before the write committed; it did not take effect."));
        }
    }

    private static RaftRequestException PassedBySnapshot() =>
        new(RaftFailureReason.Timeout, "The node installed a snapshot past this write; its outcome is unknown.");

    private void FailCommitWaiters(ulong upTo, RaftRequestException failure)
    {
        while (commitWaiters.TryPeek(out _, out var index) && index <= upTo)
        {
            commitWaiters.Dequeue().Write.Completion.TrySetException(failure);
        }
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            switch (message)
            {
                case AppendEntries:
                    Counters.AddAppendEntriesSent();
                    break;
                case InstallSnapshot:
                    Counters.AddSnapshotSent();
                    break;
            }

            transport.Send(message);
        }
    }

    private void ReleaseReads(IReadOnlyList<ReadState> readStates)
    {
        // Consecutive reads with the same index (one heartbeat round) travel to the applier together.
        var group = new List<PendingRead>();
        ulong groupIndex = 0;
        var applied = Volatile.Read(ref appliedIndex);
        foreach (var state in readStates)
        {
            if (!readsAwaitingIndex.TryRemove(state.Context, out var read))
            {
                continue;
            }

            if (state.Index <= applied)
            {
                // The state machine already reflects the read index (the applier publishes appliedIndex after applying):
                // release it here rather than wake the applier for it.
                read.Completion.TrySetResult();
                continue;
            }

            if (group.Count > 0 && state.Index != groupIndex)
            {
                PostApply(new ApplyWork.Reads(groupIndex, [.. group]));
                group.Clear();
            }

            groupIndex = state.Index;
            group.Add(read);
        }

        if (group.Count > 0)
        {
            PostApply(new ApplyWork.Reads(groupIndex, [.. group]));
        }
    }

    private void OnRoleChanged(RaftRole role, ulong leader)
    {
        if (leader != lastLeader)
        {
            if (leader != RaftNode.None)
            {
                Counters.AddLeaderChange();
            }

            logger.LogInformation("Node {Node}: role {Role}, term {Term}, leader {Leader}", options.NodeName(node.Id), role, node.Term, leader == RaftNode.None ? "none" : options.NodeName(leader));
            lastLeader = leader;

            // Reads in flight to the old leader may never be answered: fail them now so clients retry promptly.
            FailPendingReads(RaftFailureReason.NoLeader, "Leadership changed while the read was in progress; retry.");
            LeaderChanged?.Invoke(leader);
        }
    }

    private void FailPendingReads(RaftFailureReason reason, string message)
    {
        foreach (var context in readsAwaitingIndex.Keys)
        {
            if (readsAwaitingIndex.TryRemove(context, out var read))
            {
                read.Completion.TrySetException(new RaftRequestException(reason, message));
            }
        }
    }

    private void SaveSnapshot(LoopInput.SnapshotTaken taken)
    {
        try
        {
            var index = taken.Snapshot.Metadata.Index;
            store.SaveSnapshot(taken.Snapshot);
            var compactTo = index > options.SnapshotTrailingEntries ? index - options.SnapshotTrailingEntries : 0;
            if (compactTo >= store.FirstIndex)
            {
                store.Compact(compactTo);
            }

            Counters.AddSnapshotTaken();
            logger.LogInformation("Node {Node}: snapshot at index {Index}, log compacted to {CompactTo}", options.NodeName(node.Id), index, compactTo);
        }
        finally
        {
            File.Delete(taken.Path);
            Volatile.Write(ref snapshotInProgress, false);
        }
    }

    private void UpdateStatus()
    {
        var members = new List<MemberProgress>();
        foreach (var id in node.Configuration.Members)
        {
            if (id == node.Id)
            {
                continue;
            }

            members.Add(node.TryGetProgress(id, out var match, out var next, out var state)
                ? new MemberProgress(id, match, next, state)
                : new MemberProgress(id, null, null, null));
        }

        configuration = node.Configuration;
        status = new RaftStatus(node.Id, node.Role, node.Term, node.LeaderId, node.CommitIndex, Volatile.Read(ref appliedIndex),
            node.FirstIndex, node.LastIndex, store.SnapshotMetadata.Index, members);
    }

    private void RunApplier()
    {
        // Writes proposed and not yet applied, by index; only this thread touches it.
        var writes = new SortedDictionary<ulong, (ulong Term, PendingWrite Write)>();
        var reads = new SortedDictionary<ulong, List<PendingRead>>();
        foreach (var first in applyQueue.GetConsumingEnumerable())
        {
            var work = first;
            do
            {
                switch (work)
                {
                    case ApplyWork.Writes registered:
                        for (var i = 0; i < registered.Pending.Length; i++)
                        {
                            if (registered.Pending[i] is { } pending)
                            {
                                writes[registered.FirstIndex + (ulong)i] = (registered.Term, pending);
                            }
                        }

                        break;
                    case ApplyWork.Entries entries:
                        ApplyEntries(entries.Committed, writes);
                        break;
                    case ApplyWork.Install install:
                        using (var data = install.Snapshot.Source.OpenRead())
                        {
                            stateMachine.RestoreSnapshot(data);
                        }

                        // The transport spooled the received snapshot to a file that is ours to remove (the store kept its own copy).
                        (install.Snapshot.Source as FileSnapshotSource)?.Delete();

                        Volatile.Write(ref appliedIndex, install.Snapshot.Metadata.Index);
                        snapshotIndex = install.Snapshot.Metadata.Index;
                        FailReplacedWrites(writes, install.Snapshot.Metadata.Index);
                        break;
                    case ApplyWork.Reads released:
                        if (!reads.TryGetValue(released.Index, out var list))
                        {
                            reads[released.Index] = list = [];
                        }

                        list.AddRange(released.Pending);
                        break;
                }

                ServeReads(reads);
            }
            while (applyQueue.TryTake(out work));
        }

        foreach (var (_, pending) in writes)
        {
            pending.Write.Completion.TrySetException(new RaftRequestException(RaftFailureReason.ShuttingDown, "The node stopped before the write was applied; its outcome is unknown."));
        }

        foreach (var (_, list) in reads)
        {
            foreach (var read in list)
            {
                read.Completion.TrySetException(new RaftRequestException(RaftFailureReason.ShuttingDown, "The node is shutting down."));
            }
        }
    }

    private void ApplyEntries(LogEntry[] entries, SortedDictionary<ulong, (ulong Term, PendingWrite Write)> writes)
    {
        ulong lastTerm = 0;
        foreach (var entry in entries)
        {
            object? result = null;
            if (entry.Type == EntryType.Command)
            {
                result = stateMachine.Apply(entry.Index, entry.Data);
            }

            lastTerm = entry.Term;
            if (writes.Remove(entry.Index, out var pending))
            {
                Complete(pending.Write, pending.Term, entry.Term, result);
            }
        }

        var last = entries[^1].Index;
        FailReplacedWrites(writes, last);
        Volatile.Write(ref appliedIndex, last);
        Counters.AddApplied(entries.Length);
        MaybeTakeSnapshot(last, lastTerm);
    }

    private static void FailReplacedWrites(SortedDictionary<ulong, (ulong Term, PendingWrite Write)> writes, ulong appliedUpTo)
    {
        // Any write still registered at or below the applied index was replaced by a snapshot: it cannot be ours any more.
        while (writes.Count > 0)
        {
            var (index, pending) = writes.First();
            if (index > appliedUpTo)
            {
                break;
            }

            writes.Remove(index);
            pending.Write.Completion.TrySetException(PassedBySnapshot());
        }
    }

    private void ServeReads(SortedDictionary<ulong, List<PendingRead>> reads)
    {
        var applied = Volatile.Read(ref appliedIndex);
        while (reads.Count > 0)
        {
            var (index, list) = reads.First();
            if (index > applied)
            {
                break;
            }

            reads.Remove(index);
            foreach (var read in list)
            {
                read.Completion.TrySetResult();
            }
        }
    }

    private void MaybeTakeSnapshot(ulong index, ulong term)
    {
        if (options.SnapshotInterval == 0 || index < snapshotIndex + options.SnapshotInterval || Volatile.Read(ref snapshotInProgress))
        {
            return;
        }

        // Taken on the applier, so the state is exactly that of `index`. The store writes it durably (PrepareSnapshot) on a
        // thread of its own: copying and syncing a large state would hold up the applier (reads, answers) and, on the loop,
        // heartbeats for longer than an election timeout. The loop then only publishes it and compacts.
        snapshotIndex = index;
        var path = Path.Combine(options.SnapshotScratchDirectory, $"snapshot-{index:D20}.tmp");
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            stateMachine.WriteSnapshot(file);
        }
#pragma warning disable CA1031 // A snapshot that could not be taken is retried at the next interval.
        catch (Exception e)
#pragma warning restore CA1031
        {
            AbandonSnapshot(index, path, e);
            return;
        }

        Volatile.Write(ref snapshotInProgress, true);
        var metadata = new SnapshotMetadata(index, term, configuration);
        snapshotPreparation = Task.Factory.StartNew(() => PrepareSnapshot(metadata, path), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void PrepareSnapshot(SnapshotMetadata metadata, string path)
    {
        try
        {
            var prepared = store.PrepareSnapshot(new Snapshot(metadata, new FileSnapshotSource(path)));
            if (TryPost(new LoopInput.SnapshotTaken(prepared, path)))
            {
                return;
            }
        }
#pragma warning disable CA1031 // Retried at the next interval; a failed store stops the loop at its next write.
        catch (Exception e)
#pragma warning restore CA1031
        {
            AbandonSnapshot(metadata.Index, path, e);
            return;
        }

        AbandonSnapshot(metadata.Index, path, null); // the loop has stopped
    }

    // The next interval takes another snapshot; a failed store stops the loop at its next write.
    private void AbandonSnapshot(ulong index, string path, Exception? error)
    {
        if (error is not null)
        {
            logger.LogError(error, "Node {Node}: snapshot at index {Index} failed: {Message}", options.NodeName(node.Id), index, error.Message);
        }

        File.Delete(path);
        Volatile.Write(ref snapshotInProgress, false);
    }
}
