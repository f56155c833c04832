namespace Raft.Transport;

/// <summary>
/// Exponential backoff with jitter between reconnect attempts: the ceiling doubles from the minimum to the maximum delay with
/// each consecutive failure, and the actual delay is drawn from the upper half below the ceiling, so that nodes restarted
/// together do not redial in lockstep, while a peer that just restarted is retried quickly.
/// </summary>
internal static class ReconnectBackoff
{
    public static TimeSpan Delay(int consecutiveFailures, TimeSpan min, TimeSpan max, Random random)
    {
        var ceiling = min.Ticks;
        for (var i = 0; i < consecutiveFailures && ceiling < max.Ticks; i++)
        {
            // Doubling stops at the maximum, which also keeps the arithmetic far from overflow.
            ceiling = ceiling > max.Ticks / 2 ? max.Ticks : ceiling * 2;
        }

        var half = ceiling / 2;
        var delay = half + random.NextInt64(ceiling - half + 1);
        return TimeSpan.FromTicks(Math.Max(min.Ticks, delay));
    }
}
