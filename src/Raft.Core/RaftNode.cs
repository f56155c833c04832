using Raft.Core.Messages;
using Raft.Core.Storage;

namespace Raft.Core;

/// <summary>
/// One Raft node as a pure, single-threaded state machine (the shape of etcd-io/raft): no threads, timers, sockets, files
/// or async. The driver feeds it <see cref="Tick"/>, <see cref="Step"/>, <see cref="Propose(ReadOnlySpan{ReadOnlyMemory{byte}})"/>
/// and <see cref="ReadIndex"/>, then drains a <see cref="Ready"/>, carries it out and calls <see cref="Advance"/>.
/// No input may be given between <see cref="GetReady"/> and <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// A few decisions are protected virtual methods (up-to-date check, commit rule, conflict search, read confirmation, hard state
/// reported for persistence). They exist so that the simulation tests can subclass the node with known bugs and prove that the
/// simulator catches them; production code never overrides them.
/// </remarks>
public class RaftNode
{
    public const ulong None = 0;

    private readonly RaftOptions options;
    private readonly ILogStore store;
    private readonly RaftLog log;
    private readonly Random random;
    private readonly Ready ready = new();
    private readonly Dictionary<ulong, Progress> progress = [];
    private readonly Dictionary<ulong, bool> votes = [];
    private readonly Queue<PendingRead> pendingReads = new();
    private readonly List<PendingRead> readsAwaitingTermCommit = [];
    private readonly Func<ulong, ulong> matchOf;
    private readonly Func<ulong, ulong> ackedReadRoundOf;

    private HardState persistedHardState;
    private RaftRole reportedRole;
    private ulong reportedLeader;
    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    private long ticks;
    private ulong readRound;
    private bool readRoundRequested;
    private bool broadcastRequested;
    private bool readyOutstanding;
    private long uncommittedBytes;

    public RaftNode(RaftOptions options, ILogStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options.Validate();
        this.options = options;
        this.store = store;
        random = new Random(options.RandomSeed);
        log = new RaftLog(store);
        matchOf = id => progress.TryGetValue(id, out var pr) ? pr.Match : 0;
        ackedReadRoundOf = id => id == Id ? readRound : progress.TryGetValue(id, out var pr) ? pr.AckedReadRound : 0;

        Configuration = store.SnapshotMetadata.Configuration ?? options.InitialConfiguration
            ?? throw new ArgumentException("No configuration: the store has none and options.InitialConfiguration is not set.", nameof(options));

        var hardState = store.HardState;
        Term = hardState.Term;
        Vote = hardState.Vote;
        persistedHardState = hardState;
        if (options.AppliedIndex > log.Applied)
        {
            log.AppliedTo(Math.Min(options.AppliedIndex, log.Committed));
        }

        BecomeFollower(Term, None);
        reportedRole = Role;
    }

    public ulong Id => options.Id;

    public ulong Term { get; private set; }

    /// <summary>Who this node voted for in <see cref="Term"/> (0 for nobody).</summary>
    public ulong Vote { get; private set; }

    public RaftRole Role { get; private set; }

    public ulong LeaderId { get; private set; }

    public ClusterConfiguration Configuration { get; private set; }

    public ulong CommitIndex => log.Committed;

    public ulong AppliedIndex => log.Applied;

    public ulong FirstIndex => log.FirstIndex;

    public ulong LastIndex => log.LastIndex;

    public ulong LastTerm => log.LastTerm;

    private bool IsPromotable => Configuration.IsVoter(Id);

    private bool CommittedInCurrentTerm => log.TryTerm(log.Committed, out var t) && t == Term;

    /// <summary>The term of the entry at <paramref name="index"/> as this node holds it (persisted or not), if available.</summary>
    public bool TryGetTerm(ulong index, out ulong term) => log.TryTerm(index, out term);

    /// <summary>The leader's replication view of a member: match and next index and state; false if not leader or unknown member.</summary>
    public bool TryGetProgress(ulong id, out ulong match, out ulong next, out ProgressState state)
    {
        if (Role == RaftRole.Leader && progress.TryGetValue(id, out var pr))
        {
            (match, next, state) = (pr.Match, pr.Next, pr.State);
            return true;
        }

        (match, next, state) = (0, 0, ProgressState.Probe);
        return false;
    }

    /// <summary>Advances logical time by one tick: elections for followers and candidates, heartbeats and CheckQuorum for leaders.</summary>
    public void Tick()
    {
        EnsureNoReadyOutstanding();
        ticks++;
        if (Role == RaftRole.Leader)
        {
            TickLeader();
        }
        else
        {
            electionElapsed++;
            if (IsPromotable && electionElapsed >= randomizedElectionTimeout)
            {
                electionElapsed = 0;
                Campaign();
            }
        }
    }

    /// <summary>Proposes one command.</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> command) => Propose([command]);

    /// <summary>Proposes a batch of commands; on a leader they become consecutive entries of its term.</summary>
    public ProposeResult Propose(ReadOnlySpan<ReadOnlyMemory<byte>> commands)
    {
        EnsureNoReadyOutstanding();
        if (Role != RaftRole.Leader)
        {
            return new ProposeResult(ProposeStatus.NotLeader, 0, 0, Term, LeaderId);
        }

        long bytes = 0;
        foreach (var command in commands)
        {
            bytes += command.Length + 24;
        }

        if (options.MaxUncommittedBytes > 0 && uncommittedBytes > 0 && uncommittedBytes + bytes > options.MaxUncommittedBytes)
        {
            return new ProposeResult(ProposeStatus.Overloaded, 0, 0, Term, Id);
        }

        uncommittedBytes += bytes;
        var first = log.LastIndex + 1;
        var index = first;
        foreach (var command in commands)
        {
            log.Append(new LogEntry(index++, Term, EntryType.Command, command));
        }

        broadcastRequested = true;
        return new ProposeResult(ProposeStatus.Accepted, first, index - 1, Term, Id);
    }

    /// <summary>
    /// Asks for a linearizable read. When leadership is confirmed a <see cref="ReadState"/> with <paramref name="context"/>
    /// appears in a later <see cref="Ready"/>. Returns false when the read cannot be started here (no known leader).
    /// </summary>
    public bool ReadIndex(ulong context)
    {
        EnsureNoReadyOutstanding();
        if (Role == RaftRole.Leader)
        {
            StartRead(new PendingRead(context, Id, 0, 0));
            return true;
        }

        if (LeaderId == None)
        {
            return false;
        }

        Send(new ReadIndexRequest(Id, LeaderId, Term, context));
        return true;
    }

    /// <summary>Handles a message from another node.</summary>
    public void Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        EnsureNoReadyOutstanding();
        if (message.To != Id || message.From == Id || message.From == None)
        {
            return;
        }

        if (message.Term > Term)
        {
            switch (message)
            {
                case PreVote:
                    // A pre-vote changes nothing here; it is answered below.
                    break;
                case PreVoteResponse { Granted: true }:
                    // A granted pre-vote carries the term we would campaign in.
                    break;
                case RequestVote when InLease:
                    // We heard from a leader within the election timeout: this candidate is disruptive (CheckQuorum lease, thesis 4.2.3).
                    return;
                case AppendEntries or Heartbeat or InstallSnapshot:
                    BecomeFollower(message.Term, message.From);
                    break;
                default:
                    BecomeFollower(message.Term, None);
                    break;
            }
        }
        else if (message.Term < Term)
        {
            switch (message)
            {
                case AppendEntries or Heartbeat when options.CheckQuorum || options.PreVote:
                    // A stale leader must learn our term, or with PreVote it could never be deposed by an election it ignores.
                    Send(new AppendEntriesResponse(Id, message.From, Term, Success: false, Index: 0));
                    break;
                case PreVote:
                    Send(new PreVoteResponse(Id, message.From, Term, Granted: false));
                    break;
            }

            return;
        }

        switch (message)
        {
            case RequestVote request:
                HandleVoteRequest(request.From, request.Term, request.LastLogIndex, request.LastLogTerm, preVote: false);
                return;
            case PreVote request:
                HandleVoteRequest(request.From, request.Term, request.LastLogIndex, request.LastLogTerm, preVote: true);
                return;
        }

        switch (Role)
        {
            case RaftRole.Leader:
                StepLeader(message);
                break;
            case RaftRole.Candidate:
            case RaftRole.PreCandidate:
                StepCandidate(message);
                break;
            default:
                StepFollower(message);
                break;
        }
    }

    /// <summary>Whether there is anything for the driver to do.</summary>
    public bool HasReady()
    {
        if (readyOutstanding)
        {
            return false;
        }

        return broadcastRequested || readRoundRequested || ready.MessageList.Count > 0 || ready.ReadStateList.Count > 0 || log.HasUnstable
            || HardStateToPersist(CurrentHardState) != persistedHardState || Role != reportedRole || LeaderId != reportedLeader
            || (log.PendingSnapshot is null && log.Applied < log.Committed);
    }

    /// <summary>Collects what the driver must persist, send, apply and serve. Valid until <see cref="Advance"/>.</summary>
    public Ready GetReady()
    {
        EnsureNoReadyOutstanding();
        if (Role == RaftRole.Leader)
        {
            if (broadcastRequested)
            {
                BroadcastAppend();
            }

            if (readRoundRequested)
            {
                BroadcastHeartbeat();
            }
        }

        broadcastRequested = false;
        readRoundRequested = false;

        var hardState = HardStateToPersist(CurrentHardState);
        ready.HardState = hardState != persistedHardState ? hardState : null;
        ready.Snapshot = log.PendingSnapshot;
        ready.EntriesList.AddRange(log.UnstableEntries);
        ready.MustSync = ready.EntriesList.Count > 0 || ready.Snapshot is not null
            || (ready.HardState is { } changed && (changed.Term != persistedHardState.Term || changed.Vote != persistedHardState.Vote));
        log.NextCommittedEntries(options.MaxCommittedBytesPerReady, ready.CommittedList);
        ready.Role = Role;
        ready.LeaderId = LeaderId;
        ready.RoleChanged = Role != reportedRole || LeaderId != reportedLeader;
        readyOutstanding = true;
        return ready;
    }

    /// <summary>The driver has carried out the last <see cref="Ready"/>: its writes are durable, messages sent, entries applied.</summary>
    public void Advance()
    {
        if (!readyOutstanding)
        {
            throw new InvalidOperationException("Advance() without a Ready.");
        }

        readyOutstanding = false;
        if (ready.HardState is { } hardState)
        {
            persistedHardState = hardState;
        }

        reportedRole = ready.Role;
        reportedLeader = ready.LeaderId;
        if (ready.Snapshot is not null)
        {
            log.SnapshotInstalled();
        }

        var entries = ready.Entries;
        if (!entries.IsEmpty)
        {
            log.StableTo(entries[^1].Index);
        }

        var committed = ready.CommittedEntries;
        if (!committed.IsEmpty)
        {
            log.AppliedTo(committed[^1].Index);
            if (Role == RaftRole.Leader)
            {
                foreach (var entry in committed)
                {
                    uncommittedBytes -= entry.Size;
                }

                uncommittedBytes = Math.Max(0, uncommittedBytes);
            }
        }

        ready.Clear();

        // The leader counts itself towards a quorum only for entries that are durable on its own disk (thesis 10.2.1).
        if (Role == RaftRole.Leader && progress.TryGetValue(Id, out var self) && self.MaybeUpdate(log.PersistedLastIndex))
        {
            MaybeCommit();
        }
    }

    /// <summary>The hard state this node must have on disk now.</summary>
    protected HardState CurrentHardState => new(Term, Vote, log.Committed);

    /// <summary>Section 5.4.1: a vote goes only to a candidate whose log is at least as up to date as ours.</summary>
    protected virtual bool IsCandidateLogUpToDate(ulong lastLogIndex, ulong lastLogTerm) => log.IsUpToDate(lastLogIndex, lastLogTerm);

    /// <summary>Figure 8: counting replicas commits only an entry of the leader's own term.</summary>
    protected virtual bool MayCommitByCounting(ulong index) => log.TryTerm(index, out var term) && term == Term;

    /// <summary>
    /// The index of the first entry of <paramref name="entries"/> that the log does not already hold with the same term
    /// (0 when all are present). Entries that match are never truncated, so a stale or duplicated AppendEntries changes nothing.
    /// </summary>
    protected virtual ulong FindConflict(ReadOnlySpan<LogEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (!log.MatchTerm(entry.Index, entry.Term))
            {
                return entry.Index;
            }
        }

        return 0;
    }

    /// <summary>A ReadIndex read is released only after a quorum acknowledged a heartbeat sent after the read arrived.</summary>
    protected virtual bool ReadsNeedLeadershipConfirmation => true;

    /// <summary>The hard state reported for persistence (identity in production).</summary>
    protected virtual HardState HardStateToPersist(HardState current) => current;

    private bool InLease => options.CheckQuorum && LeaderId != None && electionElapsed < options.ElectionTimeoutMinTicks;

    private void EnsureNoReadyOutstanding()
    {
        if (readyOutstanding)
        {
            throw new InvalidOperationException("A Ready is outstanding: call Advance() before giving the node more input.");
        }
    }

    private void Send(Message message) => ready.MessageList.Add(message);

    private void TickLeader()
    {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= options.ElectionTimeoutMinTicks)
        {
            electionElapsed = 0;
            if (options.CheckQuorum && !IsQuorumActive())
            {
                BecomeFollower(Term, None);
                return;
            }
        }

        if (heartbeatElapsed >= options.HeartbeatIntervalTicks)
        {
            heartbeatElapsed = 0;
            BroadcastHeartbeat();
        }
    }

    private bool IsQuorumActive()
    {
        var active = Configuration.QuorumValue(id => id == Id || (progress.TryGetValue(id, out var pr) && pr.RecentActive) ? 1UL : 0UL) == 1;
        foreach (var (id, pr) in progress)
        {
            pr.RecentActive = id == Id;
        }

        return active;
    }

    private void Campaign()
    {
        if (options.PreVote)
        {
            BecomePreCandidate();
        }
        else
        {
            BecomeCandidate();
        }

        RequestVotes();
    }

    private void RequestVotes()
    {
        var preVote = Role == RaftRole.PreCandidate;
        var term = preVote ? Term + 1 : Term;
        votes[Id] = true;
        if (Configuration.TallyVotes(votes) == VoteResult.Won)
        {
            // A single-voter cluster wins at once.
            if (preVote)
            {
                BecomeCandidate();
                RequestVotes();
            }
            else
            {
                BecomeLeader();
            }

            return;
        }

        var (lastIndex, lastTerm) = (log.LastIndex, log.LastTerm);
        foreach (var id in Configuration.Members)
        {
            if (id == Id || !Configuration.IsVoter(id))
            {
                continue;
            }

            Send(preVote ? new PreVote(Id, id, term, lastIndex, lastTerm) : new RequestVote(Id, id, term, lastIndex, lastTerm));
        }
    }

    private void HandleVoteRequest(ulong from, ulong term, ulong lastLogIndex, ulong lastLogTerm, bool preVote)
    {
        var canVote = Vote == from || (Vote == None && LeaderId == None) || (preVote && term > Term);
        if (preVote && InLease)
        {
            // Followers that hear from a leader reject pre-votes, so a node that rejoins cannot start an election (thesis 9.6).
            canVote = false;
        }

        var granted = canVote && IsCandidateLogUpToDate(lastLogIndex, lastLogTerm);
        if (granted && !preVote)
        {
            electionElapsed = 0;
            Vote = from;
        }

        Send(preVote
            ? new PreVoteResponse(Id, from, granted ? term : Term, granted)
            : new RequestVoteResponse(Id, from, Term, granted));
    }

    private void StepCandidate(Message message)
    {
        switch (message)
        {
            case AppendEntries or Heartbeat or InstallSnapshot:
                // A leader of this term exists (message.Term == Term here).
                BecomeFollower(Term, message.From);
                StepFollower(message);
                break;
            case RequestVoteResponse response when Role == RaftRole.Candidate:
                CountVote(response.From, response.Granted);
                break;
            case PreVoteResponse response when Role == RaftRole.PreCandidate:
                CountVote(response.From, response.Granted);
                break;
        }
    }

    private void CountVote(ulong from, bool granted)
    {
        votes.TryAdd(from, granted);
        switch (Configuration.TallyVotes(votes))
        {
            case VoteResult.Won when Role == RaftRole.PreCandidate:
                BecomeCandidate();
                RequestVotes();
                break;
            case VoteResult.Won:
                BecomeLeader();
                break;
            case VoteResult.Lost:
                BecomeFollower(Term, None);
                break;
        }
    }

    private void StepFollower(Message message)
    {
        switch (message)
        {
            case AppendEntries append:
                electionElapsed = 0;
                LeaderId = append.From;
                HandleAppendEntries(append);
                break;
            case Heartbeat heartbeat:
                electionElapsed = 0;
                LeaderId = heartbeat.From;
                // The leader never sends a commit index beyond what we acknowledged holding (so this cannot pass our last index).
                log.CommitTo(heartbeat.Commit);
                Send(new HeartbeatResponse(Id, heartbeat.From, Term, heartbeat.ReadRound));
                break;
            case InstallSnapshot install:
                electionElapsed = 0;
                LeaderId = install.From;
                HandleInstallSnapshot(install);
                break;
            case ReadIndexResponse response:
                ready.ReadStateList.Add(new ReadState(response.Context, response.Index));
                break;
        }
    }

    private void HandleAppendEntries(AppendEntries append)
    {
        if (append.PrevLogIndex < log.Committed)
        {
            // Everything up to our commit index matches the leader's log already.
            Send(new AppendEntriesResponse(Id, append.From, Term, Success: true, Index: log.Committed));
            return;
        }

        if (log.MatchTerm(append.PrevLogIndex, append.PrevLogTerm))
        {
            var lastNewIndex = append.PrevLogIndex + (ulong)append.Entries.Length;
            var conflict = FindConflict(append.Entries);
            if (conflict != 0)
            {
                log.TruncateAndAppend(append.Entries.AsSpan((int)(conflict - append.Entries[0].Index)));
            }

            log.CommitTo(Math.Min(append.LeaderCommit, lastNewIndex));
            Send(new AppendEntriesResponse(Id, append.From, Term, Success: true, Index: lastNewIndex));
            return;
        }

        // Reject, with a hint that lets the leader skip a whole term per round trip.
        var rejected = append.PrevLogIndex;
        ulong conflictTerm = 0, conflictIndex;
        if (rejected > log.LastIndex)
        {
            conflictIndex = log.LastIndex + 1;
        }
        else
        {
            conflictTerm = log.Term(rejected);
            conflictIndex = log.FirstIndexOfTermAt(rejected, log.Committed + 1);
        }

        Send(new AppendEntriesResponse(Id, append.From, Term, Success: false, rejected, conflictTerm, conflictIndex));
    }

    private void HandleInstallSnapshot(InstallSnapshot install)
    {
        var metadata = install.Snapshot.Metadata;
        if (metadata.Index <= log.Committed)
        {
            Send(new AppendEntriesResponse(Id, install.From, Term, Success: true, Index: log.Committed));
            return;
        }

        if (log.MatchTerm(metadata.Index, metadata.Term))
        {
            // We hold the snapshot's last entry: our log already contains everything it covers.
            log.CommitTo(metadata.Index);
            Send(new AppendEntriesResponse(Id, install.From, Term, Success: true, Index: log.Committed));
            return;
        }

        log.Restore(install.Snapshot);
        if (metadata.Configuration is { } configuration)
        {
            Configuration = configuration;
        }

        Send(new AppendEntriesResponse(Id, install.From, Term, Success: true, Index: metadata.Index));
    }

    private void StepLeader(Message message)
    {
        if (message is ReadIndexRequest request)
        {
            StartRead(new PendingRead(request.Context, request.From, 0, 0));
            return;
        }

        if (!progress.TryGetValue(message.From, out var pr))
        {
            return;
        }

        switch (message)
        {
            case AppendEntriesResponse response:
                pr.RecentActive = true;
                HandleAppendEntriesResponse(response, pr);
                break;
            case HeartbeatResponse response:
                pr.RecentActive = true;
                pr.ProbeSent = false;
                if (pr.State == ProgressState.Replicate && pr.Inflights.IsFull)
                {
                    pr.Inflights.FreeFirst();
                }

                if (pr.State == ProgressState.Snapshot && ticks - pr.SnapshotSentAtTick >= options.ElectionTimeoutMinTicks)
                {
                    // No answer to the snapshot for an election timeout: assume it was lost and find out where the follower is.
                    pr.BecomeProbe();
                }

                if (pr.Match < log.LastIndex)
                {
                    // Even when every entry is already in flight: if they were lost, the follower rejects this and we probe.
                    SendAppend(message.From, pr, sendIfEmpty: true);
                }

                if (response.ReadRound > pr.AckedReadRound)
                {
                    pr.AckedReadRound = response.ReadRound;
                    ReleaseConfirmedReads();
                }

                break;
        }
    }

    private void HandleAppendEntriesResponse(AppendEntriesResponse response, Progress pr)
    {
        if (!response.Success)
        {
            var hintNext = response.ConflictIndex;
            if (response.ConflictTerm != 0)
            {
                var ours = log.LastIndexOfTerm(response.ConflictTerm, response.Index);
                if (ours != 0)
                {
                    hintNext = ours + 1;
                }
            }

            if (pr.MaybeDecreaseTo(response.Index, Math.Max(hintNext, 1)))
            {
                if (pr.State == ProgressState.Replicate)
                {
                    pr.BecomeProbe();
                }

                SendAppend(response.From, pr, sendIfEmpty: true);
            }

            return;
        }

        var wasPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(response.Index))
        {
            return;
        }

        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match >= pr.PendingSnapshot:
                pr.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                pr.Inflights.FreeUpTo(response.Index);
                break;
        }

        if (MaybeCommit())
        {
            // The broadcast of the new commit index in the next Ready also sends this member what it lacks.
            return;
        }

        // A member that was paused may have missed the latest commit index: tell it even if there is nothing new to send.
        if (wasPaused)
        {
            SendAppend(response.From, pr, sendIfEmpty: true);
        }

        while (pr.State == ProgressState.Replicate && SendAppend(response.From, pr, sendIfEmpty: false))
        {
        }
    }

    /// <summary>Commits the highest index a quorum holds, if it is of this term; broadcasts the new commit index. True if it advanced.</summary>
    private bool MaybeCommit()
    {
        var quorumIndex = Configuration.QuorumValue(matchOf);
        if (quorumIndex <= log.Committed || !MayCommitByCounting(quorumIndex))
        {
            return false;
        }

        var hadCommittedInTerm = CommittedInCurrentTerm;
        log.CommitTo(quorumIndex);
        broadcastRequested = true;
        if (!hadCommittedInTerm && CommittedInCurrentTerm && readsAwaitingTermCommit.Count > 0)
        {
            foreach (var read in readsAwaitingTermCommit)
            {
                StartRead(read);
            }

            readsAwaitingTermCommit.Clear();
        }

        return true;
    }

    private void BroadcastAppend()
    {
        foreach (var (id, pr) in progress)
        {
            if (id != Id)
            {
                // An empty AppendEntries to a replicating member only carries the commit index: skip it if that was already sent.
                var commitSent = pr.State == ProgressState.Replicate && pr.SentCommit >= Math.Min(log.Committed, pr.Next - 1);
                SendAppend(id, pr, sendIfEmpty: !commitSent);
                while (pr.State == ProgressState.Replicate && SendAppend(id, pr, sendIfEmpty: false))
                {
                }
            }
        }
    }

    private void BroadcastHeartbeat()
    {
        readRound++;
        readRoundRequested = false;
        foreach (var (id, pr) in progress)
        {
            if (id != Id)
            {
                Send(new Heartbeat(Id, id, Term, Math.Min(pr.Match, log.Committed), readRound));
            }
        }

        // A one-voter cluster confirms reads by itself.
        ReleaseConfirmedReads();
    }

    /// <summary>Sends the next AppendEntries (or a snapshot) to a member. False when nothing was sent.</summary>
    private bool SendAppend(ulong to, Progress pr, bool sendIfEmpty)
    {
        if (pr.IsPaused)
        {
            return false;
        }

        var prevIndex = pr.Next - 1;
        if (pr.Next < log.FirstIndex || !log.TryTerm(prevIndex, out var prevTerm))
        {
            return SendSnapshot(to, pr);
        }

        var entries = pr.Next <= log.LastIndex ? log.Entries(pr.Next, log.LastIndex + 1, options.MaxAppendEntriesBytes) : [];
        if (entries.Length == 0 && !sendIfEmpty)
        {
            return false;
        }

        Send(new AppendEntries(Id, to, Term, prevIndex, prevTerm, entries, log.Committed));
        pr.SentCommit = log.Committed;
        if (entries.Length > 0)
        {
            var last = entries[^1].Index;
            if (pr.State == ProgressState.Replicate)
            {
                long bytes = 0;
                foreach (var entry in entries)
                {
                    bytes += entry.Size;
                }

                pr.Next = last + 1;
                pr.Inflights.Add(last, bytes);
            }
        }

        if (pr.State == ProgressState.Probe)
        {
            pr.ProbeSent = true;
        }

        return true;
    }

    private bool SendSnapshot(ulong to, Progress pr)
    {
        var snapshot = log.PendingSnapshot ?? store.GetSnapshot();
        if (snapshot.IsEmpty)
        {
            throw new InvalidOperationException($"Member {to} needs entries from {pr.Next} but the log starts at {log.FirstIndex} and there is no snapshot.");
        }

        Send(new InstallSnapshot(Id, to, Term, snapshot));
        pr.BecomeSnapshot(snapshot.Metadata.Index, ticks);
        return true;
    }

    private void StartRead(PendingRead read)
    {
        if (!CommittedInCurrentTerm)
        {
            // A new leader does not know the latest commit index until it commits an entry of its own term (thesis 6.4).
            readsAwaitingTermCommit.Add(read);
            return;
        }

        var confirmed = read with { Index = log.Committed, Round = readRound + 1 };
        if (!ReadsNeedLeadershipConfirmation)
        {
            Release(confirmed);
            return;
        }

        pendingReads.Enqueue(confirmed);
        readRoundRequested = true;
    }

    private void ReleaseConfirmedReads()
    {
        if (pendingReads.Count == 0)
        {
            return;
        }

        var confirmedRound = Configuration.QuorumValue(ackedReadRoundOf);
        while (pendingReads.TryPeek(out var read) && read.Round <= confirmedRound)
        {
            pendingReads.Dequeue();
            Release(read);
        }
    }

    private void Release(PendingRead read)
    {
        if (read.From == Id)
        {
            ready.ReadStateList.Add(new ReadState(read.Context, read.Index));
        }
        else
        {
            Send(new ReadIndexResponse(Id, read.From, Term, read.Context, read.Index));
        }
    }

    private void Reset(ulong term)
    {
        if (term != Term)
        {
            Term = term;
            Vote = None;
        }

        LeaderId = None;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = random.Next(options.ElectionTimeoutMinTicks, options.ElectionTimeoutMaxTicks);
        votes.Clear();
        progress.Clear();
        pendingReads.Clear();
        readsAwaitingTermCommit.Clear();
        readRoundRequested = false;
        broadcastRequested = false;
        uncommittedBytes = 0;
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Reset(term);
        Role = RaftRole.Follower;
        LeaderId = leader;
    }

    private void BecomePreCandidate()
    {
        // Neither the term nor the vote changes: a pre-vote that fails leaves no trace.
        votes.Clear();
        LeaderId = None;
        randomizedElectionTimeout = random.Next(options.ElectionTimeoutMinTicks, options.ElectionTimeoutMaxTicks);
        Role = RaftRole.PreCandidate;
    }

    private void BecomeCandidate()
    {
        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomeLeader()
    {
        Reset(Term);
        Role = RaftRole.Leader;
        LeaderId = Id;
        var lastIndex = log.LastIndex;
        foreach (var id in Configuration.Members)
        {
            var pr = new Progress(options.MaxInflightMessages, options.MaxInflightBytes) { Next = lastIndex + 1, RecentActive = true };
            if (id == Id)
            {
                pr.Match = log.PersistedLastIndex;
            }

            progress[id] = pr;
        }

        // An entry of the new term lets the leader commit everything before it (section 5.4.2) and serve reads.
        var noop = new LogEntry(lastIndex + 1, Term, EntryType.Noop, default);
        log.Append(noop);
        uncommittedBytes = noop.Size;
        broadcastRequested = true;
    }

    private readonly record struct PendingRead(ulong Context, ulong From, ulong Index, ulong Round);
}
