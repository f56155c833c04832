namespace Raft.Cli;

/// <summary>
/// What the CLI needs from the process around it: where to write, how to read environment variables, and
/// whether standard output is a terminal (which decides about colours and the live progress bar).
/// Tests build one over <see cref="StringWriter"/>s.
/// </summary>
public sealed class CliHost
{
    public CliHost(TextWriter output, TextWriter error, Func<string, string?> getEnvironmentVariable, bool isOutputTerminal)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        Output = output;
        Error = error;
        GetEnvironmentVariable = getEnvironmentVariable;
        IsOutputTerminal = isOutputTerminal;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public Func<string, string?> GetEnvironmentVariable { get; }

    public bool IsOutputTerminal { get; }

    /// <summary>The real console and environment of this process.</summary>
    public static CliHost FromProcess() =>
        new(Console.Out, Console.Error, Environment.GetEnvironmentVariable, !Console.IsOutputRedirected);
}
