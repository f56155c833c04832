namespace Raft.Server.Tests;

/// <summary>Waits for an observable condition with a deadline; never a fixed sleep as synchronisation.</summary>
internal static class Poll
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Polls <paramref name="condition"/> until it returns true; fails the test when <paramref name="timeout"/> passes.
    /// A connection failure counts as "not yet" (the node may be starting or stopping).
    /// </summary>
    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan timeout, string what = "the condition holds")
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what}." + (last is null ? "" : $" Last error: {last.Message}"));
            }

            await Task.Delay(25);
        }
    }
}
