using System.Buffers;
using System.Buffers.Binary;
using Raft.Core.Messages;

namespace Raft.Transport;

/// <summary>
/// Streams the data of one outgoing snapshot as chunk frames, one chunk at a time, reading from the snapshot's source,
/// so the sender never holds more than one chunk of it. The writer sends a chunk between batches of ordinary messages,
/// which keeps heartbeats flowing while a large snapshot is on its way.
/// </summary>
internal sealed class SnapshotSender : IAsyncDisposable
{
    private const int ChunkHeaderBytes = FrameReader.LengthPrefixBytes + 1;

    private readonly Stream source;
    private readonly int chunkBytes;
    private byte[]? frame;

    public SnapshotSender(InstallSnapshot message, Stream source, int chunkBytes)
    {
        Message = message;
        this.source = source;
        this.chunkBytes = chunkBytes;
        Remaining = message.Snapshot.Source.Length;
        frame = ArrayPool<byte>.Shared.Rent(ChunkHeaderBytes + (int)Math.Min(chunkBytes, Remaining));
    }

    public InstallSnapshot Message { get; }

    public long Remaining { get; private set; }

    public bool IsComplete => Remaining == 0;

    /// <summary>Reads the next chunk from the source and returns it as a complete frame (length prefix, type, data).</summary>
    public async ValueTask<ReadOnlyMemory<byte>> NextFrameAsync(CancellationToken ct)
    {
        var buffer = frame ?? throw new ObjectDisposedException(nameof(SnapshotSender));
        var size = (int)Math.Min(chunkBytes, Remaining);
        var read = await source.ReadAtLeastAsync(buffer.AsMemory(ChunkHeaderBytes, size), size, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (read < size)
        {
            // The receiver expects the announced length; the only honest way out is to abandon this connection.
            throw new IOException($"Snapshot source ended {Remaining - read} bytes before its announced length {Message.Snapshot.Source.Length}.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)(size + 1));
        buffer[FrameReader.LengthPrefixBytes] = (byte)FrameType.SnapshotChunk;
        Remaining -= size;
        return buffer.AsMemory(0, ChunkHeaderBytes + size);
    }

    public async ValueTask DisposeAsync()
    {
        await source.DisposeAsync().ConfigureAwait(false);
        if (frame is not null)
        {
            ArrayPool<byte>.Shared.Return(frame);
            frame = null;
        }
    }
}
