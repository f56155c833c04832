using System.IO.Hashing;
using Raft.Storage.IO;

namespace Raft.Storage.Snapshots;

/// <summary>
/// The data of a snapshot file as a forward-only stream that checks the data checksum as it goes: the read that would
/// deliver the last byte throws <see cref="StorageCorruptionException"/> instead if the checksum does not match, so a
/// reader that consumes the whole snapshot never accepts damaged data.
/// </summary>
internal sealed class SnapshotReadStream(IFile file, long dataOffset, long length, uint expectedChecksum, string dataDirectory) : Stream
{
    private readonly Crc32 checksum = Crc32C.Create();
    private long position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var wanted = (int)Math.Min(buffer.Length, length - position);
        if (wanted <= 0)
        {
            return 0;
        }

        var read = file.Read(dataOffset + position, buffer[..wanted]);
        if (read < wanted)
        {
            throw new StorageCorruptionException(file.Path, dataOffset + position + read, "the snapshot file ends before its data does", dataDirectory);
        }

        checksum.Append(buffer[..read]);
        position += read;
        if (position == length && checksum.GetCurrentHashAsUInt32() != expectedChecksum)
        {
            throw new StorageCorruptionException(file.Path, dataOffset, "the snapshot data does not match its checksum", dataDirectory);
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file.Dispose();
        }

        base.Dispose(disposing);
    }
}
