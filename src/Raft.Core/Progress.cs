namespace Raft.Core;

/// <summary>The leader's view of one member's log (section 5.3's nextIndex and matchIndex, plus flow control).</summary>
internal sealed class Progress(int maxInflightMessages, long maxInflightBytes)
{
    /// <summary>Highest index known to be in the member's log and to match the leader's.</summary>
    public ulong Match { get; set; }

    /// <summary>Index of the next entry to send.</summary>
    public ulong Next { get; set; } = 1;

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In probe state: a probe is outstanding, so wait for its answer or the next heartbeat response.</summary>
    public bool ProbeSent { get; set; }

    /// <summary>In snapshot state: the index of the snapshot sent.</summary>
    public ulong PendingSnapshot { get; private set; }

    /// <summary>The tick count at which the snapshot was sent, so that a lost snapshot is retried.</summary>
    public long SnapshotSentAtTick { get; private set; }

    /// <summary>Heard from the member since the last CheckQuorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>Highest heartbeat round the member has acknowledged in this term (ReadIndex confirmation).</summary>
    public ulong AckedReadRound { get; set; }

    /// <summary>The commit index carried by the last AppendEntries sent to the member.</summary>
    public ulong SentCommit { get; set; }

    public Inflights Inflights { get; } = new(maxInflightMessages, maxInflightBytes);

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    public void BecomeProbe()
    {
        // After a snapshot the follower most likely holds it: probe just past it (a rejection corrects us if not).
        Next = State == ProgressState.Snapshot ? Math.Max(Match + 1, PendingSnapshot + 1) : Match + 1;
        State = ProgressState.Probe;
        ProbeSent = false;
        SentCommit = 0;
        PendingSnapshot = 0;
        Inflights.Reset();
    }

    public void BecomeReplicate()
    {
        Next = Match + 1;
        State = ProgressState.Replicate;
        ProbeSent = false;
        PendingSnapshot = 0;
        Inflights.Reset();
    }

    public void BecomeSnapshot(ulong snapshotIndex, long tick)
    {
        State = ProgressState.Snapshot;
        PendingSnapshot = snapshotIndex;
        SnapshotSentAtTick = tick;
        ProbeSent = false;
        Inflights.Reset();
    }

    /// <summary>Records that the member holds entries up to <paramref name="index"/>; false if that was already known.</summary>
    public bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// Handles a rejection of the AppendEntries whose PrevLogIndex was <paramref name="rejected"/>; <paramref name="hintNext"/> is
    /// where the conflict hint says to probe next. Returns false for a stale rejection (one that says nothing new).
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejected, ulong hintNext)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }
        }
        else if (Next == 0 || Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(hintNext, rejected), Match + 1);
        ProbeSent = false;
        return true;
    }
}
