namespace Raft.Core.Storage;

/// <summary>Snapshot data held in memory (tests, simulation, small state machines).</summary>
public sealed class MemorySnapshotSource(ReadOnlyMemory<byte> data) : ISnapshotSource
{
    public static MemorySnapshotSource Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    public ReadOnlyMemory<byte> Data { get; } = data;

    public long Length => Data.Length;

    public Stream OpenRead() =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(Data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(Data.ToArray(), writable: false);
}
