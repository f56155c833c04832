using System.Numerics;

namespace Raft.Transport;

/// <summary>
/// Writes the primitive fields of the wire format into a span that the caller sized with <see cref="MessageCodec.GetEncodedLength"/>.
/// Integers are unsigned LEB128 varints: Raft's numbers (ids, terms, indexes) are small for most of a cluster's life,
/// so a heartbeat costs a handful of bytes instead of five fixed 8-byte fields.
/// </summary>
internal ref struct WireWriter
{
    private readonly Span<byte> buffer;

    public WireWriter(Span<byte> buffer)
    {
        this.buffer = buffer;
    }

    public int Position { get; private set; }

    public static int VarUInt64Size(ulong value) => (BitOperations.Log2(value | 1) / 7) + 1;

    public void WriteByte(byte value) => buffer[Position++] = value;

    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteVarUInt64(ulong value)
    {
        while (value >= 0x80)
        {
            buffer[Position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[Position++] = (byte)value;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(buffer[Position..]);
        Position += value.Length;
    }
}
