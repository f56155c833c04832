namespace Raft.Core.Storage;

/// <summary>Snapshot data held in memory (tests, simulation, small state machines).</summary>
public sealed class MemorySnapshotSource(ReadOnlyMemory<byte> data) : ISnapshotSource
{
    public static MemorySnapshotSource Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    public ReadOnlyMemory<byte> Data { get; } = data;

    public long Length => Data.Length;

    /// <summary>The data of <paramref name="source"/> held in memory (the source itself if it already is).</summary>
    public static MemorySnapshotSource CopyOf(ISnapshotSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source is MemorySnapshotSource memory)
        {
            return memory;
        }

        using var data = source.OpenRead();
        using var copy = new MemoryStream();
        data.CopyTo(copy);
        return new MemorySnapshotSource(copy.ToArray());
    }

    public Stream OpenRead() =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(Data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(Data.ToArray(), writable: false);
}
