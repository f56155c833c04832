using Raft.Cli.Api;

namespace Raft.Cli.Hosting;

/// <summary>Runs a command's body and turns the failures every command shares into one stderr line and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliHost host, Func<Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (RaftApiException e)
        {
            await host.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await host.Error.WriteLineAsync("error: interrupted").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
    }
}
