using Raft.Core;

namespace Raft.Runtime;

/// <summary>Work for the applier, in log order.</summary>
internal abstract record ApplyWork
{
    public sealed record Entries(LogEntry[] Committed) : ApplyWork;

    /// <summary>Writes proposed at consecutive indexes from <paramref name="FirstIndex"/>; null where the loop answers the write at commit.</summary>
    public sealed record Writes(ulong FirstIndex, ulong Term, PendingWrite?[] Pending) : ApplyWork;

    public sealed record Reads(ulong Index, PendingRead[] Pending) : ApplyWork;

    public sealed record Install(Snapshot Snapshot) : ApplyWork;
}
