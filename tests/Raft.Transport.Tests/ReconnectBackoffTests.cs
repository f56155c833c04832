namespace Raft.Transport.Tests;

public class ReconnectBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    [Fact]
    public void Delays_grow_exponentially_with_jitter_and_stay_within_bounds()
    {
        var random = new Random(5);
        for (var failures = 0; failures < 100; failures++)
        {
            var ceiling = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20)));
            for (var i = 0; i < 50; i++)
            {
                var delay = ReconnectBackoff.Delay(failures, Min, Max, random);
                Assert.InRange(delay, Min, Max);
                Assert.InRange(delay.TotalMilliseconds, Math.Max(Min.TotalMilliseconds, ceiling / 2) - 0.001, ceiling + 0.001);
            }
        }
    }

    [Fact]
    public void Jitter_spreads_the_delays()
    {
        var random = new Random(6);
        var delays = Enumerable.Range(0, 100).Select(_ => ReconnectBackoff.Delay(10, Min, Max, random)).Distinct().Count();
        Assert.True(delays > 50, $"only {delays} distinct delays");
    }

    [Fact]
    public void Huge_failure_counts_and_delays_do_not_overflow()
    {
        var delay = ReconnectBackoff.Delay(int.MaxValue, TimeSpan.FromDays(1), TimeSpan.FromDays(10_000), new Random(1));
        Assert.InRange(delay, TimeSpan.FromDays(5_000), TimeSpan.FromDays(10_000));
    }
}
