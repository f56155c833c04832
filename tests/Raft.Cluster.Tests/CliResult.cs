namespace Raft.Cluster.Tests;

/// <summary>What one raft-cli process printed and its exit code.</summary>
internal sealed record CliResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"raft-cli {Command}: exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
