using System.Numerics;
using System.Runtime.InteropServices;
using Raft.Core;

namespace Raft.Benchmarks.Core;

/// <summary>A trivial state machine: counts applied commands and folds their bytes into a checksum (so payloads are read).</summary>
public sealed class CountingStateMachine
{
    /// <summary>Commands applied (no-op entries are not counted).</summary>
    public long Count { get; private set; }

    /// <summary>Index of the last entry applied (or of the snapshot installed).</summary>
    public ulong AppliedIndex { get; private set; }

    public ulong Checksum { get; private set; }

    public void Apply(in LogEntry entry)
    {
        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Command)
        {
            return;
        }

        Count++;

        // Reads the payload's first word (each benchmark command carries its sequence number there) and folds it in with a
        // multiply, so the checksum depends on every command and on their order; a plain xor would cancel repeated payloads.
        var data = entry.Data.Span;
        var first = data.Length >= sizeof(ulong) ? MemoryMarshal.Read<ulong>(data) : 0;
        Checksum = BitOperations.RotateLeft((Checksum ^ first) * 0x100000001B3UL, 29) + (ulong)data.Length;
    }

    /// <summary>A snapshot from the leader replaces the state: this machine keeps no state that a snapshot would carry.</summary>
    public void Restore(ulong index) => AppliedIndex = index;
}
