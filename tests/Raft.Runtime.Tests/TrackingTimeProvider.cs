using System.Collections.Concurrent;

namespace Raft.Runtime.Tests;

/// <summary>The system clock, with a record of every timer created through it and whether it was disposed.</summary>
internal sealed class TrackingTimeProvider : TimeProvider
{
    private readonly ConcurrentBag<TrackedTimer> timers = [];

    public int LiveTimers => timers.Count(t => !t.Disposed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(System.CreateTimer(callback, state, dueTime, period));
        timers.Add(timer);
        return timer;
    }

    private sealed class TrackedTimer(ITimer inner) : ITimer
    {
        private int disposed;

        public bool Disposed => Volatile.Read(ref disposed) == 1;

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            Interlocked.Exchange(ref disposed, 1);
            inner.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            Interlocked.Exchange(ref disposed, 1);
            await inner.DisposeAsync();
        }
    }
}
