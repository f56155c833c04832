using Raft.Core;
using Raft.Core.Messages;

namespace Raft.Runtime;

/// <summary>Everything the loop that owns the core can be asked to do.</summary>
internal abstract record LoopInput
{
    public sealed record Tick : LoopInput
    {
        public static Tick Instance { get; } = new();
    }

    public sealed record Peer(Message Message) : LoopInput;

    public sealed record Propose(PendingWrite Write) : LoopInput;

    public sealed record Read(PendingRead PendingRead) : LoopInput;

    /// <summary>A snapshot the applier took and the store prepared; <paramref name="Path"/> is the scratch file it was written to.</summary>
    public sealed record SnapshotTaken(Snapshot Snapshot, string Path) : LoopInput;
}
