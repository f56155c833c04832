using Raft.Core;
using Raft.Core.Messages;

namespace Raft.Transport.Tests;

public class MessageCodecTests
{
    [Fact]
    public void Every_message_type_round_trips()
    {
        var types = new HashSet<Type>();
        foreach (var message in MessageSamples.All())
        {
            var encoded = MessageCodec.Encode(message);
            Assert.Equal(MessageCodec.GetEncodedLength(message), encoded.Length);
            var decoded = MessageCodec.Decode(encoded);
            MessageAssert.Equal(message, decoded);
            // Every value has exactly one encoding, so re-encoding what was decoded gives the same bytes.
            Assert.Equal(encoded, MessageCodec.Encode(decoded));
            types.Add(message.GetType());
        }

        var allMessageTypes = typeof(Message).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Message)) && !t.IsAbstract).ToHashSet();
        Assert.Equal(allMessageTypes.OrderBy(t => t.Name), types.OrderBy(t => t.Name));
    }

    [Fact]
    public void Encode_into_a_span_writes_exactly_the_announced_length()
    {
        var message = new AppendEntries(1, 2, 3, 4, 5, MessageSamples.Entries(5, 5, 3, 10), 4);
        var buffer = new byte[MessageCodec.GetEncodedLength(message) + 10];
        Assert.Equal(MessageCodec.GetEncodedLength(message), MessageCodec.Encode(message, buffer));
        Assert.Throws<ArgumentException>(() => MessageCodec.Encode(message, new byte[MessageCodec.GetEncodedLength(message) - 1]));
    }

    [Fact]
    public void Small_messages_are_compact()
    {
        // Type byte plus one byte per small field: a heartbeat in a cluster's early life is 6 bytes, not ~40.
        Assert.Equal(6, MessageCodec.GetEncodedLength(new Heartbeat(1, 2, 3, 10, 4)));
        Assert.Equal(5, MessageCodec.GetEncodedLength(new RequestVoteResponse(1, 2, 3, true)));
        Assert.Equal(1 + (3 * 10) + 10 + 10, MessageCodec.GetEncodedLength(new RequestVote(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue)));
    }

    [Fact]
    public void Decoded_entries_share_one_buffer_and_keep_empty_payloads_empty()
    {
        var message = new AppendEntries(1, 2, 3, 0, 0, [
            new LogEntry(1, 3, EntryType.Command, new byte[] { 1, 2 }),
            new LogEntry(2, 3, EntryType.Noop, ReadOnlyMemory<byte>.Empty),
            new LogEntry(3, 3, EntryType.Command, new byte[] { 3 }),
        ], 0);
        var decoded = (AppendEntries)MessageCodec.Decode(MessageCodec.Encode(message));
        Assert.True(decoded.Entries[1].Data.IsEmpty);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(decoded.Entries[0].Data, out var first));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(decoded.Entries[2].Data, out var third));
        Assert.Same(first.Array, third.Array);
    }

    [Fact]
    public void A_decoded_snapshot_header_announces_its_length_but_has_no_data_yet()
    {
        var decoded = (InstallSnapshot)MessageCodec.Decode(MessageCodec.Encode(
            new InstallSnapshot(1, 2, 3, MessageSamples.Snapshot(10, 2, new ClusterConfiguration([1, 2]), 12345))));
        Assert.Equal(12345, decoded.Snapshot.Source.Length);
        Assert.Throws<InvalidOperationException>(() => decoded.Snapshot.Source.OpenRead());
    }

    [Fact]
    public void Every_truncation_of_a_valid_message_is_a_protocol_error()
    {
        foreach (var message in MessageSamples.All().Where(m => MessageCodec.GetEncodedLength(m) < 4096))
        {
            var encoded = MessageCodec.Encode(message);
            for (var length = 0; length < encoded.Length; length++)
            {
                Assert.Throws<ProtocolException>(() => MessageCodec.Decode(encoded.AsSpan(0, length)));
            }
        }
    }

    [Fact]
    public void Trailing_bytes_are_a_protocol_error()
    {
        var encoded = MessageCodec.Encode(new Heartbeat(1, 2, 3, 4, 5));
        var ex = Assert.Throws<ProtocolException>(() => MessageCodec.Decode([.. encoded, 0]));
        Assert.Contains("trailing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0 }, "Unknown frame type 0")]
    [InlineData(new byte[] { 200, 1, 2, 3 }, "Unknown frame type 200")]
    [InlineData(new byte[] { 12, 1, 2, 3 }, "snapshot chunk")]
    [InlineData(new byte[] { 2, 1, 2, 3, 2 }, "Granted must be 0 or 1")] // RequestVoteResponse with Granted = 2
    [InlineData(new byte[] { 6, 1, 2, 3, 7, 0, 0, 0 }, "Success must be 0 or 1")]
    [InlineData(new byte[] { 7, 0x81, 0x00, 2, 3, 4, 5 }, "minimally")] // From = 1 encoded in two bytes
    [InlineData(new byte[] { 7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 2, 3, 4, 5 }, "overflows")]
    [InlineData(new byte[] { 5, 1, 2, 3, 0, 0, 0, 1, 1, 1, 9, 0 }, "Unknown entry type 9")]
    [InlineData(new byte[] { 5, 1, 2, 3, 0, 0, 0, 1, 1, 1, 0, 5, 1, 2 }, "does not fit")] // data length 5 with 2 bytes left
    [InlineData(new byte[] { 5, 1, 2, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "entry count")] // 4 billion entries in a few bytes
    [InlineData(new byte[] { 5, 1, 2, 3, 0, 0, 0, 3, 1, 1, 0, 0 }, "entry count")] // 3 entries, room for one
    [InlineData(new byte[] { 9, 1, 2, 3, 1, 1, 2, 0 }, "HasConfiguration must be 0 or 1")]
    [InlineData(new byte[] { 9, 1, 2, 3, 1, 1, 1, 1, 0, 0, 0, 0 }, "voter")] // voter id 0
    [InlineData(new byte[] { 9, 1, 2, 3, 1, 1, 1, 0, 0, 0, 0 }, "voter")] // no voters
    [InlineData(new byte[] { 9, 1, 2, 3, 1, 1, 1, 1, 2, 0, 1, 2, 0 }, "both a voter and a learner")]
    [InlineData(new byte[] { 9, 1, 2, 3, 1, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "out of range")] // length 2^64-1
    public void Malformed_payloads_are_protocol_errors(byte[] payload, string reason)
    {
        var ex = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(payload));
        Assert.Contains(reason, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Decoding_random_bytes_fails_only_with_ProtocolException()
    {
        var random = new Random(1234);
        var decodedSome = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var payload = new byte[random.Next(0, 48)];
            random.NextBytes(payload);
            if (payload.Length > 0 && i % 2 == 0)
            {
                payload[0] = (byte)random.Next(1, 13); // a valid type byte half of the time, to get past the first check
            }

            decodedSome += DecodesOrThrowsProtocolException(payload) ? 1 : 0;
        }

        Assert.True(decodedSome > 0, "the fuzzer should also produce some valid messages");
    }

    [Fact]
    public void Decoding_mutated_valid_messages_fails_only_with_ProtocolException()
    {
        var random = new Random(99);
        var samples = MessageSamples.All().Where(m => MessageCodec.GetEncodedLength(m) < 4096).Select(MessageCodec.Encode).ToArray();
        for (var i = 0; i < 50_000; i++)
        {
            var payload = (byte[])samples[random.Next(samples.Length)].Clone();
            var mutations = random.Next(1, 4);
            for (var m = 0; m < mutations; m++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        payload[random.Next(payload.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        payload[random.Next(payload.Length)] ^= (byte)(1 << random.Next(8));
                        break;
                    default:
                        payload = payload.AsSpan(0, random.Next(payload.Length)).ToArray();
                        break;
                }

                if (payload.Length == 0)
                {
                    break;
                }
            }

            if (DecodesOrThrowsProtocolException(payload) && payload[0] != (byte)FrameType.InstallSnapshot)
            {
                // Whatever decodes is canonical: it encodes back to exactly the bytes received (snapshot configurations
                // are normalised, so they are exempt from this part).
                Assert.Equal(payload, MessageCodec.Encode(MessageCodec.Decode(payload)));
            }
        }
    }

    private static bool DecodesOrThrowsProtocolException(byte[] payload)
    {
        try
        {
            MessageCodec.Decode(payload);
            return true;
        }
        catch (ProtocolException)
        {
            return false;
        }
        catch (Exception ex)
        {
            Assert.Fail($"Decoding {Convert.ToHexString(payload)} threw {ex.GetType().Name}: {ex.Message}");
            return false;
        }
    }
}
