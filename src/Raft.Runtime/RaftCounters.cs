namespace Raft.Runtime;

/// <summary>Monotonic counters of what the host did, for metrics. Updated by the host's threads, read by anyone.</summary>
public sealed class RaftCounters
{
    private long proposals;
    private long commits;
    private long applied;
    private long elections;
    private long leaderChanges;
    private long appendEntriesSent;
    private long appendEntriesReceived;
    private long appendEntriesRejected;
    private long snapshotsSent;
    private long snapshotsInstalled;
    private long snapshotsTaken;

    public long Proposals => Volatile.Read(ref proposals);

    public long Commits => Volatile.Read(ref commits);

    public long Applied => Volatile.Read(ref applied);

    public long Elections => Volatile.Read(ref elections);

    public long LeaderChanges => Volatile.Read(ref leaderChanges);

    public long AppendEntriesSent => Volatile.Read(ref appendEntriesSent);

    public long AppendEntriesReceived => Volatile.Read(ref appendEntriesReceived);

    public long AppendEntriesRejected => Volatile.Read(ref appendEntriesRejected);

    public long SnapshotsSent => Volatile.Read(ref snapshotsSent);

    public long SnapshotsInstalled => Volatile.Read(ref snapshotsInstalled);

    public long SnapshotsTaken => Volatile.Read(ref snapshotsTaken);

    /// <summary>Called with the duration of every durable write (fsync included).</summary>
    public Action<TimeSpan>? PersistObserved { get; set; }

    /// <summary>Called with the time from proposal to apply of every successful write.</summary>
    public Action<TimeSpan>? CommitObserved { get; set; }

    internal void AddProposals(long count) => Interlocked.Add(ref proposals, count);

    internal void AddCommits(long count) => Interlocked.Add(ref commits, count);

    internal void AddApplied(long count) => Interlocked.Add(ref applied, count);

    internal void AddElection() => Interlocked.Increment(ref elections);

    internal void AddLeaderChange() => Interlocked.Increment(ref leaderChanges);

    internal void AddAppendEntriesSent() => Interlocked.Increment(ref appendEntriesSent);

    internal void AddAppendEntriesReceived() => Interlocked.Increment(ref appendEntriesReceived);

    internal void AddAppendEntriesRejected() => Interlocked.Increment(ref appendEntriesRejected);

    internal void AddSnapshotSent() => Interlocked.Increment(ref snapshotsSent);

    internal void AddSnapshotInstalled() => Interlocked.Increment(ref snapshotsInstalled);

    internal void AddSnapshotTaken() => Interlocked.Increment(ref snapshotsTaken);
}
