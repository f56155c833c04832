namespace Raft.Cli.Tests;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public IReadOnlyList<string> StderrLines =>
        Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
