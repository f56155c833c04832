using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Raft.Storage.IO;

/// <summary>
/// The system calls .NET does not offer: two flushes, and a read-ahead hint for recovery. fdatasync for file contents: it makes the data and whatever is needed to read it
/// back (size, block allocation) durable, but skips timestamps, so overwriting a preallocated segment costs no
/// file-system journal commit (<see cref="RandomAccess.FlushToDisk"/> is a full fsync). And fsync of a directory, without
/// which a newly created, renamed or deleted file can vanish or reappear after a power loss.
/// </summary>
internal static partial class Fsync
{
    private const int ReadOnly = 0;
    private const int Interrupted = 4;
    private const int WillNeedAdvice = 3;

    /// <summary>Makes the contents of an open file durable.</summary>
    public static void Data(SafeFileHandle handle, string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var descriptor = (int)handle.DangerousGetHandle();
            int result;
            do
            {
                result = FileDataSync(descriptor);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == Interrupted);

            if (result != 0)
            {
                throw Failure("fdatasync", path);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Makes the entries of a directory (creations, renames, deletions) durable.</summary>
    public static void Directory(string path)
    {
        // Windows cannot open a directory for flushing; NTFS journals its metadata, which is what the call is for.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor;
        do
        {
            descriptor = Open(path, ReadOnly);
        }
        while (descriptor < 0 && Marshal.GetLastPInvokeError() == Interrupted);

        if (descriptor < 0)
        {
            throw Failure("open of directory", path);
        }

        try
        {
            if (FileSync(descriptor) != 0)
            {
                throw Failure("fsync of directory", path);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>posix_fadvise(WILLNEED): starts reading a range into the page cache without waiting for it.</summary>
    public static void WillNeed(SafeFileHandle handle, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);

            // Only a hint: a failure changes nothing but speed.
            _ = Advise((int)handle.DangerousGetHandle(), offset, length, WillNeedAdvice);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static IOException Failure(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} {path} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FileDataSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int Advise(int descriptor, long offset, long length, int advice);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
