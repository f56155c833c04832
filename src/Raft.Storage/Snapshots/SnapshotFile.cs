using System.Buffers.Binary;
using System.Globalization;
using Raft.Core;
using Raft.Storage.IO;

namespace Raft.Storage.Snapshots;

/// <summary>
/// The snapshot file format, little-endian:
/// <code>
///  0  8  magic "RAFTSNAP"
///  8  u32 format version (1)
/// 12  u32 header length H, up to and including the header checksum
/// 16  u64 last included index
/// 24  u64 last included term
/// 32  u64 data length L
/// 40  u32 flags: 1 = a cluster configuration follows
/// 44  configuration: u32 count + u64 ids for voters, outgoing voters, learners
/// H-4 u32 CRC-32C of bytes [0, H-4)
/// H   data (L bytes)
/// H+L u32 CRC-32C of the data
/// </code>
/// Files are named <c>{index:D16}-{term:D16}.snap</c>, so that a directory listing shows what each one covers.
/// </summary>
internal static class SnapshotFile
{
    public const string Extension = ".snap";
    public const int TrailerSize = 4;
    private const int FormatVersion = 1;
    private const int FixedHeaderSize = 44;
    private const int MaxHeaderSize = 1 << 20;

    private static ReadOnlySpan<byte> Magic => "RAFTSNAP"u8;

    public static string FileName(SnapshotMetadata metadata) =>
        string.Create(CultureInfo.InvariantCulture, $"{metadata.Index:D16}-{metadata.Term:D16}{Extension}");

    public static bool TryParseName(string name, out ulong index, out ulong term)
    {
        index = term = 0;
        if (!name.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = name[..^Extension.Length].Split('-');
        return parts.Length == 2
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out index)
            && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out term);
    }

    public static byte[] EncodeHeader(SnapshotMetadata metadata, long dataLength)
    {
        var configuration = metadata.Configuration;
        var ids = configuration is null ? 0 : configuration.Voters.Length + configuration.OutgoingVoters.Length + configuration.Learners.Length;
        var header = new byte[FixedHeaderSize + (configuration is null ? 0 : 12) + (8 * ids) + 4];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], header.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], metadata.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], metadata.Term);
        BinaryPrimitives.WriteInt64LittleEndian(span[32..], dataLength);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], configuration is null ? 0 : 1);
        var at = FixedHeaderSize;
        if (configuration is not null)
        {
            foreach (var list in new[] { configuration.Voters, configuration.OutgoingVoters, configuration.Learners })
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], list.Length);
                at += 4;
                foreach (var id in list)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(span[at..], id);
                    at += 8;
                }
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32C.Compute(span[..at]));
        return header;
    }

    /// <summary>Reads and checks the header and overall length of a snapshot file; returns the problem, or null if it is sound.</summary>
    public static string? TryReadHeader(IFile file, out SnapshotMetadata metadata, out long dataOffset, out long dataLength)
    {
        metadata = SnapshotMetadata.Empty;
        dataOffset = dataLength = 0;
        Span<byte> prefix = stackalloc byte[FixedHeaderSize];
        if (file.Read(0, prefix) < FixedHeaderSize || !prefix[..8].SequenceEqual(Magic))
        {
            return "not a snapshot file (no RAFTSNAP header)";
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(prefix[8..]);
        if (version != FormatVersion)
        {
            return $"snapshot format version {version} is not the supported version {FormatVersion}";
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(prefix[12..]);
        if (headerLength is < FixedHeaderSize + 4 or > MaxHeaderSize)
        {
            return $"impossible header length {headerLength}";
        }

        var header = new byte[headerLength];
        if (file.Read(0, header) < headerLength
            || BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(headerLength - 4)) != Crc32C.Compute(header.AsSpan(0, headerLength - 4)))
        {
            return "the header checksum does not match";
        }

        dataOffset = headerLength;
        dataLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32));
        if (dataLength < 0 || file.Length != headerLength + dataLength + TrailerSize)
        {
            return $"the file is {file.Length} bytes long but its header describes {headerLength + dataLength + TrailerSize}";
        }

        ClusterConfiguration? configuration = null;
        if ((BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(40)) & 1) != 0)
        {
            var at = FixedHeaderSize;
            var lists = new ulong[3][];
            for (var list = 0; list < 3; list++)
            {
                var count = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(at));
                at += 4;
                lists[list] = new ulong[count];
                for (var i = 0; i < count; i++, at += 8)
                {
                    lists[list][i] = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(at));
                }
            }

            configuration = new ClusterConfiguration(lists[0], lists[1], lists[2]);
        }

        metadata = new SnapshotMetadata(
            BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(16)),
            BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24)),
            configuration);
        return null;
    }

    /// <summary>The data checksum stored after the data.</summary>
    public static uint ReadDataChecksum(IFile file, long dataOffset, long dataLength)
    {
        Span<byte> trailer = stackalloc byte[TrailerSize];
        file.Read(dataOffset + dataLength, trailer);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }
}
