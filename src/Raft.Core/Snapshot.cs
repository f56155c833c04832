using Raft.Core.Storage;

namespace Raft.Core;

/// <summary>
/// A state machine image at <see cref="SnapshotMetadata.Index"/>. The core never reads <see cref="Source"/>: it only passes
/// it between the store, the transport and the driver, so a snapshot larger than memory can live on disk and be streamed.
/// </summary>
public sealed record Snapshot(SnapshotMetadata Metadata, ISnapshotSource Source)
{
    public static Snapshot Empty { get; } = new(SnapshotMetadata.Empty, MemorySnapshotSource.Empty);

    public bool IsEmpty => Metadata.Index == 0;
}
