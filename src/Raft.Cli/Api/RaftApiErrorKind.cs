namespace Raft.Cli.Api;

/// <summary>Why a request to a node did not produce a usable answer.</summary>
internal enum RaftApiErrorKind
{
    /// <summary>No connection: refused, unknown host, network unreachable.</summary>
    Unreachable,

    /// <summary>Connected (or trying to), but no complete response within the timeout.</summary>
    Timeout,

    /// <summary>HTTP 503: no leader, no quorum, commit timed out.</summary>
    Unavailable,

    /// <summary>Any other non-success HTTP status.</summary>
    Rejected,

    /// <summary>A response that is not what the API specifies (not JSON, wrong shape).</summary>
    InvalidResponse,
}
