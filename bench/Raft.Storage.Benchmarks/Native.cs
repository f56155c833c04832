using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Raft.Storage.Benchmarks;

/// <summary>The system calls the raw-disk floor is measured with, so that it does exactly what the store does and no more.</summary>
internal static partial class Native
{
    private const int DontNeed = 4;

    public static void DataSync(SafeFileHandle handle)
    {
        if (FileDataSync((int)handle.DangerousGetHandle()) != 0)
        {
            throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Drops a file's pages from the page cache, so that the next read comes from the device (the file must be synced).</summary>
    public static void DropFromPageCache(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var error = Advise((int)handle.DangerousGetHandle(), 0, 0, DontNeed);
        if (error != 0)
        {
            throw new IOException($"posix_fadvise failed: error {error}");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FileDataSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Advise(int descriptor, long offset, long length, int advice);
}
