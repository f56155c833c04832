namespace Raft.Cluster.Tests;

/// <summary>
/// A write cut off by a leader crash either did not happen or is answered "outcome unknown" (ARCHITECTURE.md, principle 6):
/// a client reads "unreachable", "no leader" or "not committed" as "it did not happen" and may retry it, and a retried SET
/// silently overwrites any write that landed in between.
/// </summary>
public sealed class UnknownOutcomeTests(ITestOutputHelper output) : ClusterTest(output)
{
    private const int Rounds = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Forwarded_writes_cut_off_by_a_leader_crash_are_answered_unknown_unless_they_did_not_happen() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync();
        for (var round = 1; round <= Rounds; round++)
        {
            var (leader, _) = await cluster.WaitForLeaderAsync(Patience);
            var followers = cluster.Nodes.Where(n => n != leader).ToList();

            // Many writes in flight through the followers (which forward them) when the leader dies.
            await using var writer = new BackgroundWriter($"round-{round}", clients: 12, followers);
            writer.Start();
            await Eventually.UntilAsync("50 acknowledged writes", Patience, () => Task.FromResult(writer.AcknowledgedCount >= 50), writer.FailureSummary);
            await leader.KillAsync();
            await cluster.WaitForLeaderAsync(Patience, followers);
            var acknowledgedAtFailover = writer.AcknowledgedCount;
            await Eventually.UntilAsync("20 more acknowledged writes", Patience,
                () => Task.FromResult(writer.AcknowledgedCount >= acknowledgedAtFailover + 20), writer.FailureSummary);
            await writer.StopAsync();

            var claimedNotDone = writer.Failed
                .Where(f => f.Reply.Status is not null && !(f.Reply.Error ?? "").Contains("unknown", StringComparison.OrdinalIgnoreCase))
                .ToList();
            var happened = new List<string>();
            foreach (var (key, value, via, reply) in claimedNotDone)
            {
                var read = await followers[0].Client.GetAsync(key);
                if (read.Acknowledged && read.Result == value)
                {
                    happened.Add($"SET {key} through {via} was answered {reply}, yet GET through {followers[0].Name} returns its value");
                }
            }

            Log($"round {round}: killed leader {leader.Name}; {writer.Failed.Count} writes failed, {claimedNotDone.Count} of them with an answer that does not say 'unknown', {happened.Count} of those took effect");
            Assert.True(happened.Count == 0,
                $"{happened.Count} writes were answered as failed without saying that their outcome is unknown, but took effect:\n{string.Join('\n', happened.Take(10))}");

            // The killed node comes back and catches up, so the next round again has three nodes.
            leader.Start();
            var (current, _) = await cluster.WaitForLeaderAsync(Patience);
            var target = await current.Client.StatusAsync();
            await Eventually.UntilAsync($"{leader.Name} to apply up to {target.CommitIndex}", Patience, async () =>
                await leader.Client.TryStatusAsync() is { } s && s.LastApplied >= target.CommitIndex);
        }
    });
}
