using System.IO.Hashing;

namespace Raft.Storage;

/// <summary>CRC-32C (Castagnoli), the checksum of every record and snapshot: hardware-accelerated, and better than CRC-32 at catching the burst errors of storage.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    /// <summary>An incremental hasher, for data that arrives in chunks (snapshots).</summary>
    public static Crc32 Create() => new(Crc32ParameterSet.Crc32C);
}
