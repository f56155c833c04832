namespace Raft.Core;

/// <summary>
/// One entry of the replicated log. A struct so that batches of entries cost one array, not one object each;
/// the payload is the only per-entry allocation, and it belongs to the caller.
/// </summary>
public readonly record struct LogEntry(ulong Index, ulong Term, EntryType Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Bytes this entry counts for in flow control (payload plus a fixed header estimate).</summary>
    public long Size => Data.Length + 24;
}
