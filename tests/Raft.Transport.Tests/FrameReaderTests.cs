using System.Buffers.Binary;

namespace Raft.Transport.Tests;

public class FrameReaderTests
{
    [Fact]
    public async Task Reads_many_frames_delivered_in_one_piece_and_frames_delivered_byte_by_byte()
    {
        var payloads = Enumerable.Range(1, 200).Select(i => MessageSamples.Bytes(i * 7, seed: i)).ToList();
        payloads.Add(MessageSamples.Bytes(300_000, seed: 1000)); // larger than the reader's default buffer
        payloads.Add([42]);
        var wire = Frames(payloads);

        foreach (var chunkSize in new[] { wire.Length, 1, 1000 })
        {
            using var reader = new FrameReader(new TrickleStream(wire, chunkSize), maxFrameBytes: 1 << 20);
            foreach (var expected in payloads)
            {
                var frame = await reader.ReadFrameAsync(CancellationToken.None);
                Assert.NotNull(frame);
                Assert.Equal(expected, frame.Value.ToArray());
            }

            Assert.Null(await reader.ReadFrameAsync(CancellationToken.None)); // clean end between frames
            Assert.Equal(wire.Length, reader.BytesRead);
        }
    }

    [Fact]
    public async Task An_oversized_length_is_refused_before_the_payload_is_read()
    {
        // Only the length prefix is on the wire: the reader must refuse without waiting for (or buffering) 1 GiB.
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, 1 << 30);
        using var reader = new FrameReader(new MemoryStream(prefix), maxFrameBytes: 1 << 20);
        var ex = await Assert.ThrowsAsync<ProtocolException>(async () => await reader.ReadFrameAsync(CancellationToken.None));
        Assert.Contains("exceeds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_frame_is_refused()
    {
        using var reader = new FrameReader(new MemoryStream(new byte[4]), maxFrameBytes: 1 << 20);
        await Assert.ThrowsAsync<ProtocolException>(async () => await reader.ReadFrameAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_connection_ending_inside_a_frame_is_an_end_of_stream()
    {
        var wire = Frames([new byte[100]]);
        using var reader = new FrameReader(new MemoryStream(wire[..50]), maxFrameBytes: 1 << 20);
        await Assert.ThrowsAsync<EndOfStreamException>(async () => await reader.ReadFrameAsync(CancellationToken.None));
    }

    private static byte[] Frames(IEnumerable<byte[]> payloads)
    {
        var wire = new MemoryStream();
        foreach (var payload in payloads)
        {
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)payload.Length);
            wire.Write(prefix);
            wire.Write(payload);
        }

        return wire.ToArray();
    }

    /// <summary>A stream that returns at most <c>chunkSize</c> bytes per read, like a socket under load.</summary>
    private sealed class TrickleStream(byte[] data, int chunkSize) : MemoryStream(data, writable: false)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunkSize)], cancellationToken);
    }
}
