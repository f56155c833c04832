using System.Diagnostics;

namespace Raft.Cluster.Tests;

/// <summary>Runs the built raft-cli (dotnet raft-cli.dll ...) as a process; a run that hangs is killed by its pid.</summary>
internal static class CliProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<CliResult> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(RepositoryLayout.CliDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("RAFT_ADDRESS");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start raft-cli.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw new TimeoutException($"raft-cli {string.Join(' ', arguments)} did not finish within {Limit.TotalSeconds:0} s; killed. Output: {await stdout.ConfigureAwait(false)} {await stderr.ConfigureAwait(false)}");
        }

        return new CliResult(string.Join(' ', arguments), process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
