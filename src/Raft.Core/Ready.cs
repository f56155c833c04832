using System.Runtime.InteropServices;
using Raft.Core.Messages;

namespace Raft.Core;

/// <summary>
/// What the driver must do, in this order of obligation, before calling <see cref="RaftNode.Advance"/>:
/// <list type="number">
/// <item>persist: <see cref="Snapshot"/> (if any, with ILogStore.InstallSnapshot), then <see cref="Entries"/> and <see cref="HardState"/> in one durable write (ILogStore.Save);
/// when <see cref="MustSync"/> is false the only change is the commit index, which the driver may leave unwritten (see there);</item>
/// <item>send <see cref="Messages"/> (only after step 1: votes and acknowledgements promise what is now on disk);</item>
/// <item>apply <see cref="CommittedEntries"/> in order to the state machine;</item>
/// <item>install <see cref="Snapshot"/> into the state machine (never together with committed entries);</item>
/// <item>serve <see cref="ReadStates"/> once the applied index reaches each one's index.</item>
/// </list>
/// The object and its lists belong to the node and are valid only until <see cref="RaftNode.Advance"/>.
/// </summary>
public sealed class Ready
{
    internal List<LogEntry> EntriesList { get; } = [];

    internal List<LogEntry> CommittedList { get; } = [];

    internal List<Message> MessageList { get; set; } = [];

    internal List<ReadState> ReadStateList { get; set; } = [];

    /// <summary>The hard state to persist, or null when it has not changed.</summary>
    public HardState? HardState { get; internal set; }

    /// <summary>Entries to persist. The first may be at or below the store's last index: the store replaces its suffix from there.</summary>
    public ReadOnlySpan<LogEntry> Entries => CollectionsMarshal.AsSpan(EntriesList);

    /// <summary>A snapshot from the leader to persist and install, or null.</summary>
    public Snapshot? Snapshot { get; internal set; }

    public IReadOnlyList<Message> Messages => MessageList;

    /// <summary>Committed entries to apply, in log order.</summary>
    public ReadOnlySpan<LogEntry> CommittedEntries => CollectionsMarshal.AsSpan(CommittedList);

    /// <summary>Linearizable reads that may be served once applied up to their index.</summary>
    public IReadOnlyList<ReadState> ReadStates => ReadStateList;

    /// <summary>The node's role after this step.</summary>
    public RaftRole Role { get; internal set; }

    /// <summary>The leader this node knows of (0 if none).</summary>
    public ulong LeaderId { get; internal set; }

    /// <summary>True when role or leader changed since the previous Ready (drivers fail pending requests on leadership loss).</summary>
    public bool RoleChanged { get; internal set; }

    /// <summary>True when there is something to persist (the driver must write durably before sending).</summary>
    public bool MustPersist => HardState is not null || EntriesList.Count > 0 || Snapshot is not null;

    /// <summary>
    /// True when this Ready carries entries, a snapshot, or a new term or vote: state that messages promise, which must be
    /// durable before they are sent. False when at most the commit index changed. A persisted commit index is only a hint
    /// (a restarted node re-learns the commit index from the leader or a quorum, and it never applies beyond its own log),
    /// so the driver may skip that write or write it without syncing, as etcd does; a later synced write carries it anyway.
    /// </summary>
    public bool MustSync { get; internal set; }

    internal void Clear()
    {
        EntriesList.Clear();
        CommittedList.Clear();
        MessageList.Clear();
        ReadStateList.Clear();
        HardState = null;
        Snapshot = null;
        RoleChanged = false;
        MustSync = false;
    }
}
