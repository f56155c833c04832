using System.Buffers.Binary;
using Raft.Core;

namespace Raft.Storage.Wal;

/// <summary>
/// The on-disk record format of the write-ahead log, little-endian, every record starting at a multiple of 8 bytes:
/// <code>
///  0  u32  CRC-32C of bytes [4, 32 + payload length) (the rest of the header and the payload), XORed with the
///          segment's sequence number folded to 32 bits (<see cref="Crc32C.Compute(ulong, ReadOnlySpan{byte})"/>)
///  4  u32  payload length
///  8  u8   kind (<see cref="WalRecordKind"/>)
///  9  u8   entry type (<see cref="EntryType"/>; 0 unless an entry)
/// 10  u16  reserved, 0
/// 12  u32  batch offset: bytes from the start of the write this record was part of to the record
/// 16  u64  index (log index; segment sequence number for a segment start; snapshot index)
/// 24  u64  term
/// 32  payload, then zeros up to the next multiple of 8
/// </code>
/// The batch offset lets recovery tell a torn last write (damage inside the last batch) from damage to data that a later,
/// acknowledged batch followed. The sequence number in the checksum (the salt) is what makes reusing the file of an old
/// segment safe: the intact records of its earlier life fail their checksum in the new one, so they read as garbage,
/// never as entries.
/// </summary>
internal static class WalRecord
{
    public const int HeaderSize = 32;

    /// <summary>Largest payload of one record: bounds what recovery will believe of a length field.</summary>
    public const int MaxPayloadLength = 64 << 20;

    public const int HardStateSize = HeaderSize + 24;

    /// <summary>Size of the <see cref="WalRecordKind.SegmentEnd"/> record that seals a segment (no payload).</summary>
    public const int SegmentEndSize = HeaderSize;

    // Bit of the segment start's flags: the file is a recycled segment, so stale records of its earlier life follow the
    // end of the log rather than zeros.
    private const ulong RecycledFlag = 1;

    private const int SegmentStartPayloadLength = 16;

    /// <summary>Start of a segment start record's payload, so that a stray file is not taken for a segment; the flags follow.</summary>
    public static ReadOnlySpan<byte> SegmentMagic => "RAFT-WAL"u8;

    public static int SegmentStartSize => SizeOf(SegmentStartPayloadLength);

    public static int SizeOf(int payloadLength) => (HeaderSize + payloadLength + 7) & ~7;

    /// <summary>
    /// Encodes a record of segment <paramref name="segment"/> into <paramref name="destination"/> (which must hold
    /// <see cref="SizeOf"/> bytes) and returns its size.
    /// </summary>
    public static int Write(Span<byte> destination, ulong segment, WalRecordKind kind, EntryType entryType, int batchOffset, ulong index, ulong term, ReadOnlySpan<byte> payload)
    {
        var size = SizeOf(payload.Length);
        var record = destination[..size];
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)payload.Length);
        record[8] = (byte)kind;
        record[9] = (byte)entryType;
        BinaryPrimitives.WriteUInt16LittleEndian(record[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)batchOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(record[16..], index);
        BinaryPrimitives.WriteUInt64LittleEndian(record[24..], term);
        payload.CopyTo(record[HeaderSize..]);
        record[(HeaderSize + payload.Length)..].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(record, Crc32C.Compute(segment, record[4..(HeaderSize + payload.Length)]));
        return size;
    }

    public static int WriteHardState(Span<byte> destination, ulong segment, int batchOffset, HardState state)
    {
        Span<byte> payload = stackalloc byte[24];
        BinaryPrimitives.WriteUInt64LittleEndian(payload, state.Term);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[8..], state.Vote);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[16..], state.Commit);
        return Write(destination, segment, WalRecordKind.HardState, EntryType.Command, batchOffset, 0, 0, payload);
    }

    /// <summary>The first record of segment <paramref name="sequence"/>, saying whether its file is a recycled one.</summary>
    public static int WriteSegmentStart(Span<byte> destination, ulong sequence, bool recycled)
    {
        Span<byte> payload = stackalloc byte[SegmentStartPayloadLength];
        SegmentMagic.CopyTo(payload);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[SegmentMagic.Length..], recycled ? RecycledFlag : 0);
        return Write(destination, sequence, WalRecordKind.SegmentStart, EntryType.Command, 0, sequence, 0, payload);
    }

    public static int WriteSegmentEnd(Span<byte> destination, ulong sequence) =>
        Write(destination, sequence, WalRecordKind.SegmentEnd, EntryType.Command, 0, 0, 0, []);

    /// <summary>Reads a segment start's payload: false if it is not one this format writes (wrong magic, unknown flags).</summary>
    public static bool TryReadSegmentStart(ReadOnlySpan<byte> payload, out bool recycled)
    {
        recycled = false;
        if (payload.Length != SegmentStartPayloadLength || !payload.StartsWith(SegmentMagic))
        {
            return false;
        }

        var flags = BinaryPrimitives.ReadUInt64LittleEndian(payload[SegmentMagic.Length..]);
        recycled = (flags & RecycledFlag) != 0;
        return (flags & ~RecycledFlag) == 0;
    }

    public static HardState ReadHardState(ReadOnlySpan<byte> payload) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(payload), BinaryPrimitives.ReadUInt64LittleEndian(payload[8..]), BinaryPrimitives.ReadUInt64LittleEndian(payload[16..]));

    /// <summary>
    /// A quick first test of whether a record header could start at <paramref name="bytes"/>, given at least its first
    /// 12 bytes: a known kind and a zero reserved field. Rejects almost every position of random data (the stale bytes of a
    /// recycled segment) without the work of <see cref="TryReadHeader"/>.
    /// </summary>
    public static bool MayStartHeader(ReadOnlySpan<byte> bytes) =>
        (WalRecordKind)bytes[8] is >= WalRecordKind.SegmentStart and <= WalRecordKind.SegmentEnd && bytes[10] == 0 && bytes[11] == 0;

    /// <summary>
    /// Reads the header at the start of <paramref name="bytes"/> if it could be a record header (known kind, zero reserved
    /// field, believable length) that fits in <paramref name="available"/> bytes; says nothing yet about its checksum.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> bytes, long available, out WalRecordHeader header)
    {
        header = default;
        if (bytes.Length < HeaderSize)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        var kind = (WalRecordKind)bytes[8];
        if (kind is < WalRecordKind.SegmentStart or > WalRecordKind.SegmentEnd
            || BinaryPrimitives.ReadUInt16LittleEndian(bytes[10..]) != 0
            || length > MaxPayloadLength
            || SizeOf((int)length) > available)
        {
            return false;
        }

        header = new WalRecordHeader(
            kind,
            (EntryType)bytes[9],
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]),
            (int)length);
        return true;
    }

    /// <summary>
    /// Whether the checksum of a whole record (at least header size + payload length bytes) matches for segment
    /// <paramref name="segment"/>: a record written in another segment, such as the earlier life of a recycled file, does not.
    /// </summary>
    public static bool IsIntact(ReadOnlySpan<byte> record, int payloadLength, ulong segment) =>
        BinaryPrimitives.ReadUInt32LittleEndian(record) == Crc32C.Compute(segment, record[4..(HeaderSize + payloadLength)]);
}
