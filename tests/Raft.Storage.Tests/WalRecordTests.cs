using Raft.Core;
using Raft.Storage.Wal;

namespace Raft.Storage.Tests;

/// <summary>The record format is on disk for years: these tests pin it down byte for byte.</summary>
public sealed class WalRecordTests
{
    private const ulong Segment = 5;

    [Fact]
    public void ChecksumIsCrc32C()
    {
        // The standard check value of CRC-32C (Castagnoli); plain CRC-32 would give cbf43926.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }

    [Fact]
    public void EntryRecordLayoutIsStable()
    {
        var bytes = new byte[WalRecord.SizeOf(3)];

        var size = WalRecord.Write(bytes, Segment, WalRecordKind.Entry, EntryType.Noop, 40, index: 7, term: 3, payload: "abc"u8);

        // The checksum was computed independently (a bitwise CRC-32C of bytes 4..34, XORed with the segment's sequence
        // number), not by the code under test.
        Assert.Equal(40, size);
        Assert.Equal(
            "326FF3E4" + "03000000" + "02" + "01" + "0000" + "28000000" + "0700000000000000" + "0300000000000000" + "616263" + "0000000000",
            Convert.ToHexString(bytes));
    }

    [Fact]
    public void SegmentStartAndEndLayoutsAreStable()
    {
        var start = new byte[WalRecord.SegmentStartSize];
        var end = new byte[WalRecord.SegmentEndSize];

        WalRecord.WriteSegmentStart(start, Segment, recycled: true);
        WalRecord.WriteSegmentEnd(end, Segment);

        // Checksums computed independently, as above. The start's payload is the magic and the flags (1: recycled).
        Assert.Equal(
            "C892EEC0" + "10000000" + "01" + "00" + "0000" + "00000000" + "0500000000000000" + "0000000000000000" + "524146542D57414C" + "0100000000000000",
            Convert.ToHexString(start));
        Assert.Equal("38E261AF" + "00000000" + "05" + "00" + "0000" + "00000000" + "0000000000000000" + "0000000000000000", Convert.ToHexString(end));
        Assert.True(WalRecord.TryReadSegmentStart(start.AsSpan(WalRecord.HeaderSize), out var recycled) && recycled);
    }

    [Fact]
    public void RecordOfAnotherSegmentFailsItsChecksum()
    {
        // What makes recycling segment files safe: the records of a file's earlier life never verify in its new one.
        var bytes = new byte[WalRecord.SizeOf(3)];
        WalRecord.Write(bytes, Segment, WalRecordKind.Entry, EntryType.Command, 0, 1, 1, "abc"u8);

        Assert.True(WalRecord.IsIntact(bytes, 3, Segment));
        Assert.False(WalRecord.IsIntact(bytes, 3, Segment + 1));
        Assert.False(WalRecord.IsIntact(bytes, 3, Segment - 1));
    }

    [Fact]
    public void HardStateRecordRoundTrips()
    {
        var bytes = new byte[WalRecord.HardStateSize];
        WalRecord.WriteHardState(bytes, Segment, 0, new HardState(5, 2, 99));

        Assert.True(WalRecord.TryReadHeader(bytes, bytes.Length, out var header));
        Assert.Equal(WalRecordKind.HardState, header.Kind);
        Assert.True(WalRecord.IsIntact(bytes, header.PayloadLength, Segment));
        Assert.Equal(new HardState(5, 2, 99), WalRecord.ReadHardState(bytes.AsSpan(WalRecord.HeaderSize)));
    }

    [Theory]
    [InlineData(8, 0)]
    [InlineData(8, 9)]
    [InlineData(10, 1)]
    [InlineData(4, 0xFF)]
    public void ImplausibleHeadersAreRejectedBeforeTheirChecksumIsComputed(int offset, byte value)
    {
        var bytes = new byte[WalRecord.SizeOf(3)];
        WalRecord.Write(bytes, Segment, WalRecordKind.Entry, EntryType.Command, 0, 1, 1, "abc"u8);
        bytes[offset] = value;

        Assert.False(WalRecord.TryReadHeader(bytes, bytes.Length, out _));
    }

    [Fact]
    public void RecordLongerThanWhatIsLeftIsRejected()
    {
        var bytes = new byte[WalRecord.SizeOf(3)];
        WalRecord.Write(bytes, Segment, WalRecordKind.Entry, EntryType.Command, 0, 1, 1, "abc"u8);

        Assert.True(WalRecord.TryReadHeader(bytes, bytes.Length, out _));
        Assert.False(WalRecord.TryReadHeader(bytes, bytes.Length - 1, out _));
    }

    [Fact]
    public void AnyFlippedBitFailsTheChecksum()
    {
        var bytes = new byte[WalRecord.SizeOf(5)];
        WalRecord.Write(bytes, Segment, WalRecordKind.Entry, EntryType.Command, 0, 12, 4, "hello"u8);
        for (var bit = 0; bit < (WalRecord.HeaderSize + 5) * 8; bit++)
        {
            var copy = (byte[])bytes.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(WalRecord.TryReadHeader(copy, copy.Length, out var header) && WalRecord.IsIntact(copy, header.PayloadLength, Segment), $"bit {bit}");
        }
    }
}
