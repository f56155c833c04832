using Raft.Storage.IO;

namespace Raft.Storage.Wal;

/// <summary>
/// Reads records of one segment through a window of the file, so that a scan costs one read per window, not per record.
/// In recovery the window buffer is reused; when reading entries for the log it is fresh for every window, because the
/// returned payloads point into it and must never change afterwards. Records count as intact only with the checksum salt
/// of the segment they are read from (its sequence number, <paramref name="segment"/>).
/// </summary>
internal sealed class WalReader(IFile file, long end, byte[] buffer, bool reuseBuffer, ulong segment)
{
    private const int MaxGrownWindow = 1 << 20;

    private long windowStart;
    private int windowLength;

    /// <summary>Reads the record at <paramref name="offset"/>; false if it is cut short by <c>end</c>, implausible or fails its checksum.</summary>
    public bool TryRead(long offset, out WalRecordHeader header, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        header = default;
        if (!Load(offset, WalRecord.HeaderSize)
            || !WalRecord.TryReadHeader(Window(offset), end - offset, out header)
            || !Load(offset, header.Size))
        {
            return false;
        }

        var record = Window(offset);
        if (!WalRecord.IsIntact(record, header.PayloadLength, segment))
        {
            return false;
        }

        payload = buffer.AsMemory((int)(offset - windowStart) + WalRecord.HeaderSize, header.PayloadLength);
        return true;
    }

    private Span<byte> Window(long offset) => buffer.AsSpan((int)(offset - windowStart), (int)(windowStart + windowLength - offset));

    // Makes bytes [offset, offset + count) of the file present in the window; false if the file ends first.
    private bool Load(long offset, int count)
    {
        if (offset + count > end)
        {
            return false;
        }

        if (offset >= windowStart && offset + count <= windowStart + windowLength)
        {
            return true;
        }

        if (!reuseBuffer && windowLength > 0)
        {
            // The entries read from the last window point into it. A long read grows its windows, so that a short one
            // does not read (and keep alive) more than it needs.
            var size = Math.Min(Math.Max(count, (long)buffer.Length * 2), Math.Max(count, Math.Min(MaxGrownWindow, end - offset)));
            buffer = GC.AllocateUninitializedArray<byte>((int)size);
        }
        else if (buffer.Length < count)
        {
            buffer = GC.AllocateUninitializedArray<byte>(count);
        }

        windowStart = offset;
        windowLength = file.Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - offset)));
        return windowLength >= count;
    }
}
