namespace Raft.Transport;

/// <summary>
/// Reads the primitive fields of the wire format from one frame payload. Every read is bounds-checked against the frame and
/// every malformed field throws <see cref="ProtocolException"/>, so that decoding untrusted bytes can fail in exactly one way.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> buffer;

    public WireReader(ReadOnlySpan<byte> buffer)
    {
        this.buffer = buffer;
    }

    public int Position { get; private set; }

    public readonly int Remaining => buffer.Length - Position;

    public byte ReadByte()
    {
        if (Position >= buffer.Length)
        {
            throw Truncated();
        }

        return buffer[Position++];
    }

    public bool ReadBool(string field) => ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new ProtocolException($"Field {field} must be 0 or 1, found {other}."),
    };

    public ulong ReadVarUInt64()
    {
        ulong result = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte();
            // The tenth byte may only carry the single remaining bit of a 64-bit value.
            if (shift == 63 && b > 1)
            {
                throw new ProtocolException("Varint overflows 64 bits.");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                // Only the minimal encoding is accepted, so that every value has exactly one encoding.
                if (b == 0 && shift > 0)
                {
                    throw new ProtocolException("Varint is not minimally encoded.");
                }

                return result;
            }
        }
    }

    /// <summary>Reads a count or byte length and checks it against what the frame can still hold (each item needs at least <paramref name="minItemBytes"/>).</summary>
    public int ReadCount(string field, int minItemBytes)
    {
        var value = ReadVarUInt64();
        if (value > (ulong)(Remaining / minItemBytes))
        {
            throw new ProtocolException($"Field {field} = {value} does not fit in the {Remaining} bytes left in the frame.");
        }

        return (int)value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > Remaining)
        {
            throw Truncated();
        }

        var value = buffer.Slice(Position, count);
        Position += count;
        return value;
    }

    public void Skip(int count) => ReadBytes(count);

    /// <summary>The bytes read since <paramref name="start"/> (a position obtained earlier), to read a validated region again.</summary>
    public readonly ReadOnlySpan<byte> Since(int start) => buffer[start..Position];

    /// <summary>Trailing bytes mean the sender and receiver disagree about the layout: refuse rather than guess.</summary>
    public readonly void EnsureEnd()
    {
        if (Remaining != 0)
        {
            throw new ProtocolException($"{Remaining} unexpected trailing bytes after the message.");
        }
    }

    private static ProtocolException Truncated() => new("Frame is truncated.");
}
