namespace Raft.Cli;

/// <summary>
/// The process exit codes of <c>raft-cli</c>. They are part of the tool's contract: scripts branch on them,
/// so a value never changes meaning.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command line was invalid (unknown verb or option, missing or malformed argument).</summary>
    public const int Usage = 1;

    /// <summary>No answer from the server: connection refused, name not resolved, or no response within --timeout.</summary>
    public const int Unreachable = 2;

    /// <summary><c>get</c> (or <c>delete</c>, if the server reports it) found no such key.</summary>
    public const int NotFound = 3;

    /// <summary>The server answered 503: no leader, no quorum, or it timed out committing; the request may be retried.</summary>
    public const int Unavailable = 4;

    /// <summary><c>benchmark</c> finished, but at least one operation failed.</summary>
    public const int BenchmarkFailures = 5;

    /// <summary>The server rejected the request (another 4xx/5xx, or "success": false) or sent a response that is not the API's.</summary>
    public const int RequestFailed = 6;

    /// <summary>An unexpected failure inside raft-cli itself (a bug; the message names the exception).</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    /// <summary>The "Exit codes" section printed after the help of <paramref name="commandName"/>.</summary>
    public static string HelpFor(string commandName)
    {
        var lines = new List<string> { "Exit codes:", "  0    success" };
        lines.Add("  1    invalid command line (the parse error is printed on stderr)");
        lines.Add("  2    server unreachable: connection refused, unknown host, or no response within --timeout");
        if (commandName is "get" or "delete" or "raft-cli")
        {
            lines.Add(commandName == "delete"
                ? "  3    key not found (only if the server reports it: HTTP 404)"
                : "  3    key not found: nothing on stdout, \"(not found)\" on stderr");
        }

        lines.Add("  4    server unavailable (HTTP 503: no leader, no quorum, commit timed out); retry later");
        if (commandName is "benchmark" or "raft-cli")
        {
            lines.Add("  5    benchmark ran, but some operations failed (see \"failures\" and \"errors\")");
        }

        lines.Add("  6    request rejected (other HTTP error, or \"success\": false) or malformed response");
        lines.Add("  70   internal error in raft-cli (a bug)");
        lines.Add("  130  interrupted (Ctrl+C)");
        if (commandName == "status")
        {
            lines.Add("  status exits 0 whenever the node at --address answered, even if other nodes are unreachable;");
            lines.Add("  those show as \"unreachable\" in the table and as \"reachable\": false with --json.");
        }

        lines.Add("Errors are printed as one line on stderr.");
        return string.Join(Environment.NewLine, lines);
    }
}
