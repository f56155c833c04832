namespace Raft.Transport.Tests;

/// <summary>Upper bounds for awaited events: generous, since they only matter when something is broken.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(5);
}
