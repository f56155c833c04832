using Microsoft.Win32.SafeHandles;

namespace Raft.Storage.Benchmarks;

/// <summary>
/// A plain file written sequentially with one write and one flush per operation: the floor the store is compared with.
/// Preallocated files are zero-filled and synced first, like the store's segments; growing files are extended by every
/// write, like <c>dd oflag=dsync</c> to a new file.
/// </summary>
internal sealed class RawFile : IDisposable
{
    private readonly SafeFileHandle handle;
    private readonly long wrapAt;
    private long offset;

    private RawFile(SafeFileHandle handle, long wrapAt)
    {
        this.handle = handle;
        this.wrapAt = wrapAt;
    }

    public static RawFile Preallocated(string path, long size)
    {
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        var zeros = new byte[1 << 20];
        for (long at = 0; at < size; at += zeros.Length)
        {
            RandomAccess.Write(handle, zeros, at);
        }

        Native.DataSync(handle);
        return new RawFile(handle, size);
    }

    public static RawFile Growing(string path) => new(File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite), long.MaxValue);

    /// <summary>Writes the next bytes and flushes them: fdatasync, or a full fsync (what <see cref="RandomAccess.FlushToDisk"/> does).</summary>
    public void WriteAndSync(ReadOnlySpan<byte> data, bool fullFsync = false)
    {
        if (offset + data.Length > wrapAt)
        {
            // Start over at the beginning: still blocks that are allocated and written, as in a preallocated segment.
            offset = 0;
        }

        RandomAccess.Write(handle, data, offset);
        offset += data.Length;
        if (fullFsync)
        {
            RandomAccess.FlushToDisk(handle);
        }
        else
        {
            Native.DataSync(handle);
        }
    }

    public void Dispose() => handle.Dispose();
}
