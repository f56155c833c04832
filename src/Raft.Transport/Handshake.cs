using System.Buffers.Binary;
using System.Text;

namespace Raft.Transport;

/// <summary>
/// The first exchange on a peer connection, before any frame.
/// Hello (dialer to listener): "RAFT" | version u16 | body length u16 | body, where the version-1 body is
/// sender node id u64 | cluster id length u8 | cluster id (UTF-8). Magic, version and body length come first and never
/// change shape, so that a listener can read the whole hello of any version and answer it cleanly instead of resetting.
/// Reply (listener to dialer), always 15 bytes: "RAFT" | version u16 | status u8 | listener node id u64.
/// Fixed-width little-endian fields: this runs once per connection, so simplicity beats compactness here.
/// </summary>
internal static class Handshake
{
    public const ushort ProtocolVersion = 1;

    /// <summary>Magic, version and body length.</summary>
    public const int HelloPrefixLength = 8;

    /// <summary>Far above a version-1 body (at most 264 bytes); bounds what a listener reads from an unauthenticated socket.</summary>
    public const int MaxHelloBodyLength = 1024;

    public const int ReplyLength = 15;

    public const int MaxClusterIdBytes = 255;

    public static ReadOnlySpan<byte> Magic => "RAFT"u8;

    public static byte[] EncodeHello(ulong senderId, ReadOnlySpan<byte> clusterId, ushort version = ProtocolVersion)
    {
        var bodyLength = 8 + 1 + clusterId.Length;
        var hello = new byte[HelloPrefixLength + bodyLength];
        Magic.CopyTo(hello);
        BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(4), version);
        BinaryPrimitives.WriteUInt16LittleEndian(hello.AsSpan(6), (ushort)bodyLength);
        BinaryPrimitives.WriteUInt64LittleEndian(hello.AsSpan(8), senderId);
        hello[16] = (byte)clusterId.Length;
        clusterId.CopyTo(hello.AsSpan(17));
        return hello;
    }

    /// <summary>Checks the magic and returns the version and body length of a hello; garbage fails here, on its first bytes.</summary>
    public static (ushort Version, int BodyLength) ReadHelloPrefix(ReadOnlySpan<byte> prefix)
    {
        if (!prefix[..4].SequenceEqual(Magic))
        {
            throw new ProtocolException($"Bad magic 0x{Convert.ToHexString(prefix[..4])}: not a Raft peer.");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(prefix[4..]);
        var bodyLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[6..]);
        return bodyLength > MaxHelloBodyLength
            ? throw new ProtocolException($"Hello body of {bodyLength} bytes exceeds {MaxHelloBodyLength}.")
            : (version, bodyLength);
    }

    /// <summary>Parses a version-1 hello body; the cluster id is returned raw so that it is compared byte for byte.</summary>
    public static ulong ReadHelloBody(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> clusterId)
    {
        if (body.Length < 9 || body.Length != 9 + body[8])
        {
            throw new ProtocolException($"Malformed hello body of {body.Length} bytes.");
        }

        var senderId = BinaryPrimitives.ReadUInt64LittleEndian(body);
        if (senderId == 0)
        {
            throw new ProtocolException("Hello from node id 0, which is reserved.");
        }

        clusterId = body[9..];
        return senderId;
    }

    public static byte[] EncodeReply(HandshakeStatus status, ulong listenerId)
    {
        var reply = new byte[ReplyLength];
        Magic.CopyTo(reply);
        BinaryPrimitives.WriteUInt16LittleEndian(reply.AsSpan(4), ProtocolVersion);
        reply[6] = (byte)status;
        BinaryPrimitives.WriteUInt64LittleEndian(reply.AsSpan(7), listenerId);
        return reply;
    }

    public static (ushort Version, HandshakeStatus Status, ulong ListenerId) ReadReply(ReadOnlySpan<byte> reply)
    {
        if (!reply[..4].SequenceEqual(Magic))
        {
            throw new ProtocolException($"Bad magic 0x{Convert.ToHexString(reply[..4])} in handshake reply: not a Raft peer.");
        }

        return (BinaryPrimitives.ReadUInt16LittleEndian(reply[4..]), (HandshakeStatus)reply[6], BinaryPrimitives.ReadUInt64LittleEndian(reply[7..]));
    }

    /// <summary>For log lines only: a cluster id from an unauthenticated peer, made printable.</summary>
    public static string Describe(ReadOnlySpan<byte> clusterId) => Encoding.UTF8.GetString(clusterId);
}
