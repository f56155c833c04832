using System.Runtime.InteropServices;

namespace Raft.Cluster.Tests;

/// <summary>kill(2) by pid, for SIGKILL, SIGSTOP and SIGCONT (Linux numbering). Never by name.</summary>
internal static partial class PosixSignals
{
    public const int SigKill = 9;
    public const int SigCont = 18;
    public const int SigStop = 19;

    public static void Send(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Signals are sent with Linux signal numbers.");
        }

        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
