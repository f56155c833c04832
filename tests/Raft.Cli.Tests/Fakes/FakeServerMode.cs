namespace Raft.Cli.Tests.Fakes;

/// <summary>How a <see cref="FakeRaftServer"/> answers.</summary>
internal enum FakeServerMode
{
    /// <summary>Follows the API contract with an in-memory dictionary.</summary>
    Normal,

    /// <summary>Every <c>/command</c> gets 503 "no leader" with Retry-After.</summary>
    Unavailable,

    /// <summary>Every request gets HTTP 200 with a body that is not JSON.</summary>
    Garbage,

    /// <summary>Requests are held until the client gives up (or the server stops).</summary>
    Hang,
}
