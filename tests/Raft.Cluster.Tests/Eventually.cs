using System.Diagnostics;

namespace Raft.Cluster.Tests;

/// <summary>Polls an observable condition until it holds or a deadline passes (the only way these tests wait).</summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns a value that is not null, and returns that value; on timeout throws
    /// naming <paramref name="what"/> and the last value <paramref name="describe"/> saw.
    /// </summary>
    public static async Task<T> UntilAsync<T>(string what, TimeSpan timeout, Func<Task<T?>> probe, Func<string>? describe = null)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } value)
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}.{(describe is null ? "" : $" Last seen: {describe()}")}");
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }

    public static async Task UntilAsync(string what, TimeSpan timeout, Func<Task<bool>> condition, Func<string>? describe = null) =>
        await UntilAsync(what, timeout, async () => await condition().ConfigureAwait(false) ? string.Empty : null, describe).ConfigureAwait(false);
}
