using Raft.Core.Messages;

namespace Raft.Core.Tests.Harness;

/// <summary>A copy of one <see cref="Ready"/> as the driver handled it (the node reuses the original's lists).</summary>
internal sealed record ReadyRecord(
    HardState? HardState,
    LogEntry[] Entries,
    Snapshot? Snapshot,
    Message[] Messages,
    LogEntry[] CommittedEntries,
    ReadState[] ReadStates,
    RaftRole Role,
    ulong LeaderId,
    bool MustSync);
