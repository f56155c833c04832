using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Raft.Cluster.Tests;

/// <summary>
/// One raft-server node: its fixed identity (name, ports, data directory, environment) and the process currently running it,
/// if any. A node can be killed and started again with the same data directory and ports. Every line the process writes is
/// kept, tagged with the incarnation, for the test output on failure.
/// </summary>
internal sealed class ServerNode : IDisposable
{
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly string workingDirectory;
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private Process? process;
    private int incarnation;

    public ServerNode(string name, int httpPort, int peerPort, string dataDirectory, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        Name = name;
        HttpPort = httpPort;
        PeerPort = peerPort;
        DataDirectory = dataDirectory;
        this.workingDirectory = workingDirectory;
        this.environment = environment;
        Client = new NodeClient(name, new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}"));
    }

    public string Name { get; }

    public int HttpPort { get; }

    public int PeerPort { get; }

    public string DataDirectory { get; }

    public Uri Address => Client.Address;

    public NodeClient Client { get; }

    public bool IsPaused { get; private set; }

    public bool IsRunning
    {
        get
        {
            var current = process;
            return current is not null && !current.HasExited;
        }
    }

    public int Pid => process?.Id ?? throw new InvalidOperationException($"{Name} has no process.");

    /// <summary>Starts a new process for this node (the previous one must be gone).</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running (pid {Pid}).");
        }

        process?.Dispose();
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(RepositoryLayout.ServerDll);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("RAFT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var tag = $"{Name}#{++incarnation}";
        var started = new Process { StartInfo = start };
        started.OutputDataReceived += (_, e) => Record(tag, e.Data);
        started.ErrorDataReceived += (_, e) => Record($"{tag} err", e.Data);
        if (!started.Start())
        {
            throw new InvalidOperationException($"Could not start {Name}.");
        }

        Record(tag, $"--- started pid {started.Id.ToString(CultureInfo.InvariantCulture)} (http {HttpPort}, peer {PeerPort}, data {DataDirectory})");
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        IsPaused = false;
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp at which the last SIGKILL was sent.</summary>
    public long KilledAt { get; private set; }

    /// <summary>
    /// SIGKILL by pid (kill -9: no shutdown code runs), then waits, without blocking a thread, until the process is gone and
    /// its output drained. (A blocked thread-pool thread stalls the test's own clients on a 2-core machine and skews timings.)
    /// </summary>
    public async Task KillAsync()
    {
        if (SendKill() is not { } current)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await current.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"{Name} (pid {current.Id}) did not exit within 10 s of SIGKILL.");
        }

        Killed();
    }

    /// <summary>The blocking form of <see cref="KillAsync"/>, for disposal.</summary>
    public void Kill()
    {
        if (SendKill() is not { } current)
        {
            return;
        }

        if (!current.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException($"{Name} (pid {current.Id}) did not exit within 10 s of SIGKILL.");
        }

        current.WaitForExit(); // drains the redirected output
        Killed();
    }

    /// <summary>SIGSTOP: the process is frozen (timers, sockets and all) until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        PosixSignals.Send(Pid, PosixSignals.SigStop);
        IsPaused = true;
        Record($"{Name}#{incarnation}", "--- paused with SIGSTOP");
    }

    public void Resume()
    {
        PosixSignals.Send(Pid, PosixSignals.SigCont);
        IsPaused = false;
        Record($"{Name}#{incarnation}", "--- resumed with SIGCONT");
    }

    /// <summary>Everything the node's processes wrote, oldest first (at most the last <paramref name="maxLines"/> lines).</summary>
    public string Output(int maxLines = 400)
    {
        lock (gate)
        {
            var skipped = Math.Max(0, lines.Count - maxLines);
            var text = new StringBuilder();
            if (skipped > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"[{Name}] ... {skipped} earlier lines omitted ...").AppendLine();
            }

            foreach (var line in lines.Skip(skipped))
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        finally
        {
            process?.Dispose();
            process = null;
            Client.Dispose();
        }
    }

    /// <summary>
    /// kill(2) directly rather than Process.Kill(entireProcessTree: true), which first walks /proc for child processes (the
    /// server has none: the dotnet host runs it in-process) and so delays the signal by a variable amount.
    /// </summary>
    private Process? SendKill()
    {
        var current = process;
        if (current is null || current.HasExited)
        {
            return null;
        }

        try
        {
            PosixSignals.Send(current.Id, PosixSignals.SigKill);
        }
        catch (InvalidOperationException) when (current.HasExited)
        {
            return null;
        }

        KilledAt = Stopwatch.GetTimestamp();
        return current;
    }

    private void Killed()
    {
        IsPaused = false;
        Record($"{Name}#{incarnation}", $"--- killed with SIGKILL (exit seen {Stopwatch.GetElapsedTime(KilledAt).TotalMilliseconds:0} ms later)");
    }

    private void Record(string tag, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            lines.Add($"[{tag}] {line}");
        }
    }
}
