namespace Raft.Cli.Tests;

/// <summary>Runs <c>raft-cli</c> in-process with captured output and a controlled environment.</summary>
internal static class Cli
{
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var host = new CliHost(stdout, stderr, name => environment.GetValueOrDefault(name), isOutputTerminal: false);
        int exitCode = await CliApplication.RunAsync(args, host);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The address form users type: no trailing slash.</summary>
    public static string At(Uri address) => address.ToString().TrimEnd('/');
}
