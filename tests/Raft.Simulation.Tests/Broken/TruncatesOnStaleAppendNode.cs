using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests.Broken;

internal sealed class TruncatesOnStaleAppendNode(RaftOptions options, ILogStore store) : RaftNode(options, store)
{
    // Treats the first entry of every AppendEntries as a conflict, so the log is cut after the message's last entry.
    protected override ulong FindConflict(ReadOnlySpan<LogEntry> entries) => entries.IsEmpty ? 0 : entries[0].Index;
}
