using System.Buffers;
using System.Buffers.Binary;

namespace Raft.Transport;

/// <summary>
/// Reads length-prefixed frames (u32 little-endian length, then that many payload bytes) from a stream.
/// Each socket read takes whatever has arrived, so one system call usually yields many small frames. The length prefix is
/// checked against the maximum frame size before any byte of the payload is buffered, so a peer cannot make us allocate
/// more than <c>MaxFrameBytes</c>; the buffer grows only for a large frame and shrinks back afterwards.
/// The memory returned is valid until the next read.
/// </summary>
internal sealed class FrameReader : IDisposable
{
    public const int LengthPrefixBytes = 4;

    private const int DefaultBufferBytes = 64 * 1024;

    private readonly Stream stream;
    private readonly int maxFrameBytes;
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(DefaultBufferBytes);
    private int start;
    private int end;

    public FrameReader(Stream stream, int maxFrameBytes)
    {
        this.stream = stream;
        this.maxFrameBytes = maxFrameBytes;
    }

    public long BytesRead { get; private set; }

    /// <summary>Reads exactly <paramref name="count"/> bytes (the handshake); throws <see cref="EndOfStreamException"/> if the peer closes first.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadExactlyAsync(int count, CancellationToken ct)
    {
        await FillAsync(count, eofAllowed: false, ct).ConfigureAwait(false);
        var data = buffer.AsMemory(start, count);
        start += count;
        return data;
    }

    /// <summary>The next frame's payload, or null if the peer closed the connection cleanly between frames.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadFrameAsync(CancellationToken ct)
    {
        ShrinkIfIdle();
        if (!await FillAsync(LengthPrefixBytes, eofAllowed: true, ct).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(start));
        if (length == 0 || length > (uint)maxFrameBytes)
        {
            throw new ProtocolException(length == 0 ? "Empty frame." : $"Frame of {length} bytes exceeds the maximum of {maxFrameBytes}.");
        }

        var total = LengthPrefixBytes + (int)length;
        await FillAsync(total, eofAllowed: false, ct).ConfigureAwait(false);
        var payload = buffer.AsMemory(start + LengthPrefixBytes, (int)length);
        start += total;
        return payload;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    /// <summary>Ensures <paramref name="count"/> unread bytes are buffered; false only if the stream ended with nothing buffered and that is allowed.</summary>
    private async ValueTask<bool> FillAsync(int count, bool eofAllowed, CancellationToken ct)
    {
        if (end - start >= count)
        {
            return true;
        }

        if (buffer.Length - start < count)
        {
            MakeRoom(count);
        }

        while (end - start < count)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
            if (read == 0)
            {
                return eofAllowed && end == start
                    ? false
                    : throw new EndOfStreamException($"Connection closed with {end - start} of {count} bytes of a frame received.");
            }

            end += read;
            BytesRead += read;
        }

        return true;
    }

    private void MakeRoom(int count)
    {
        var unread = end - start;
        if (buffer.Length >= count)
        {
            // Enough space in total: slide the unread bytes to the front.
            buffer.AsSpan(start, unread).CopyTo(buffer);
        }
        else
        {
            var larger = ArrayPool<byte>.Shared.Rent(count);
            buffer.AsSpan(start, unread).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = larger;
        }

        start = 0;
        end = unread;
    }

    /// <summary>After a large frame, go back to the default buffer so that an idle connection does not pin megabytes.</summary>
    private void ShrinkIfIdle()
    {
        var unread = end - start;
        if (unread == 0)
        {
            start = end = 0;
        }

        if (buffer.Length > DefaultBufferBytes && unread <= DefaultBufferBytes)
        {
            var small = ArrayPool<byte>.Shared.Rent(DefaultBufferBytes);
            buffer.AsSpan(start, unread).CopyTo(small);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = small;
            start = 0;
            end = unread;
        }
    }
}
