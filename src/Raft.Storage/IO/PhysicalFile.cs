using Microsoft.Win32.SafeHandles;

namespace Raft.Storage.IO;

/// <summary>A real file accessed through <see cref="RandomAccess"/>: positioned reads and writes, no user-space buffering.</summary>
internal sealed class PhysicalFile(string path, SafeFileHandle handle) : IFile
{
    public string Path { get; } = path;

    public long Length => RandomAccess.GetLength(handle);

    public int Read(long offset, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);

    public void SetLength(long length) => RandomAccess.SetLength(handle, length);

    public void Sync() => Fsync.Data(handle, Path);

    public void Prefetch(long offset, long length) => Fsync.WillNeed(handle, offset, length);

    public void Dispose() => handle.Dispose();
}
