namespace Raft.Cli.Api;

/// <summary>A request to a node failed; <see cref="Exception.Message"/> is a one-line, user-facing description.</summary>
internal sealed class RaftApiException : Exception
{
    public RaftApiException(RaftApiErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    public RaftApiErrorKind Kind { get; }

    /// <summary>The exit code that reports this failure (see <see cref="ExitCodes"/>).</summary>
    public int ExitCode => Kind switch
    {
        RaftApiErrorKind.Unreachable or RaftApiErrorKind.Timeout => ExitCodes.Unreachable,
        RaftApiErrorKind.Unavailable => ExitCodes.Unavailable,
        _ => ExitCodes.RequestFailed,
    };
}
