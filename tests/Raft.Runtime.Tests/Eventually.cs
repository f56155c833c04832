namespace Raft.Runtime.Tests;

/// <summary>Polls an observable condition until it holds or a deadline passes (never a fixed sleep as synchronisation).</summary>
internal static class Eventually
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    public static async Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what) => HoldsAsync(condition, Default, what);
}
