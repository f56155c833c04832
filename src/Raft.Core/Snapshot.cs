namespace Raft.Core;

/// <summary>
/// A state machine image at <see cref="SnapshotMetadata.Index"/>. The core never reads <see cref="Data"/>:
/// it only passes it between the store and the driver, so a store may keep snapshots on disk and stream them.
/// </summary>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data)
{
    public static Snapshot Empty { get; } = new(SnapshotMetadata.Empty, ReadOnlyMemory<byte>.Empty);

    public bool IsEmpty => Metadata.Index == 0;
}
