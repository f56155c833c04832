using System.Buffers.Binary;
using System.Text;

namespace Raft.KeyValue;

/// <summary>
/// A write as stored in the log: operation byte, key length (u16), key (UTF-8), value (UTF-8, the rest). Compact and
/// cheap to decode on every node; JSON is only the HTTP surface.
/// </summary>
public readonly record struct KvCommand(KvOperation Operation, string Key, string? Value)
{
    public byte[] Encode()
    {
        var keyBytes = Encoding.UTF8.GetByteCount(Key);
        if (keyBytes > ushort.MaxValue)
        {
            throw new ArgumentException("Key too long.", nameof(Key));
        }

        var valueBytes = Value is null ? 0 : Encoding.UTF8.GetByteCount(Value);
        var buffer = new byte[3 + keyBytes + valueBytes];
        buffer[0] = (byte)Operation;
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(1), (ushort)keyBytes);
        Encoding.UTF8.GetBytes(Key, buffer.AsSpan(3));
        if (Value is not null)
        {
            Encoding.UTF8.GetBytes(Value, buffer.AsSpan(3 + keyBytes));
        }

        return buffer;
    }

    public static KvCommand Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 3 || data[0] is not ((byte)KvOperation.Set or (byte)KvOperation.Delete))
        {
            throw new FormatException("Not a key-value command.");
        }

        var keyBytes = BinaryPrimitives.ReadUInt16LittleEndian(data[1..]);
        if (3 + keyBytes > data.Length)
        {
            throw new FormatException("Truncated key-value command.");
        }

        var operation = (KvOperation)data[0];
        var key = Encoding.UTF8.GetString(data.Slice(3, keyBytes));
        var value = operation == KvOperation.Set ? Encoding.UTF8.GetString(data[(3 + keyBytes)..]) : null;
        return new KvCommand(operation, key, value);
    }
}
