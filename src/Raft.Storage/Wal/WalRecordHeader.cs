using Raft.Core;

namespace Raft.Storage.Wal;

/// <summary>The fixed fields of a write-ahead-log record (see <see cref="WalRecord"/> for the layout).</summary>
internal readonly record struct WalRecordHeader(WalRecordKind Kind, EntryType EntryType, uint BatchOffset, ulong Index, ulong Term, int PayloadLength)
{
    /// <summary>Bytes the record takes on disk, padding included.</summary>
    public int Size => WalRecord.SizeOf(PayloadLength);
}
