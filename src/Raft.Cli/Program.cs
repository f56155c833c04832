namespace Raft.Cli;

/// <summary>Process entry point of <c>raft-cli</c>.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => CliApplication.RunAsync(args, CliHost.FromProcess());
}
