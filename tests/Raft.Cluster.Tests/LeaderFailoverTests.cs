using System.Diagnostics;

namespace Raft.Cluster.Tests;

/// <summary>kill -9 of the leader: a new leader serves writes within two election timeouts, and no acknowledged write is lost.</summary>
public sealed class LeaderFailoverTests(ITestOutputHelper output) : ClusterTest(output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Killing_the_leader_loses_no_acknowledged_write_and_a_new_leader_serves_writes_within_two_election_timeouts() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync();
        var (leader, before) = await cluster.WaitForLeaderAsync(Patience);
        var survivors = cluster.Nodes.Where(n => n != leader).ToList();

        await using var writer = new BackgroundWriter("failover", clients: 4, cluster.Nodes);
        writer.Start();
        await Eventually.UntilAsync("100 acknowledged writes before the kill", Patience, () => Task.FromResult(writer.AcknowledgedCount >= 100));

        // The writers move to the survivors (which forward to the leader while it lives). The clock starts when SIGKILL is
        // sent: from then on the old leader runs no code, so a write sent later and acknowledged was committed by a new leader.
        writer.Targets = survivors;
        var elected = WaitForNewLeaderAsync(survivors, before.CurrentTerm, () => leader.KilledAt);
        await leader.KillAsync();
        var deadAt = Stopwatch.GetTimestamp();
        var killedAt = leader.KilledAt;
        Log($"killed leader {leader.Name} (term {before.CurrentTerm}) with SIGKILL after {writer.AcknowledgedCount} acknowledged writes (confirmed dead {Stopwatch.GetElapsedTime(killedAt, deadAt).TotalMilliseconds:0} ms after SIGKILL)");

        await Eventually.UntilAsync("an acknowledged write sent after the kill", Patience,
            () => Task.FromResult(writer.FirstAcknowledgedSentAfter(killedAt) is not null), writer.FailureSummary);
        var firstWrite = writer.FirstAcknowledgedSentAfter(killedAt)!.Value;
        var (newLeader, electionTime) = await elected;
        var first = writer.Acknowledged.Where(w => w.SentAt >= killedAt).MinBy(w => w.AnsweredAt)!;
        Log($"first acknowledged write after the kill: {first.Key} through {first.Via}, sent {Stopwatch.GetElapsedTime(killedAt, first.SentAt).TotalMilliseconds:0} ms and answered {Stopwatch.GetElapsedTime(killedAt, first.AnsweredAt).TotalMilliseconds:0} ms after the kill");

        Log($"attempts around the failover (times since the kill):\n{writer.Timeline(killedAt, killedAt - Stopwatch.Frequency / 20, first.AnsweredAt)}");

        var acknowledgedAtFailover = writer.AcknowledgedCount;
        await Eventually.UntilAsync("100 more acknowledged writes under the new leader", Patience,
            () => Task.FromResult(writer.AcknowledgedCount >= acknowledgedAtFailover + 100), writer.FailureSummary);
        await writer.StopAsync();

        var bound = TimeSpan.FromMilliseconds(2 * cluster.Options.ElectionTimeoutMaxMs);
        Log($"new leader {newLeader.Name} seen {electionTime.TotalMilliseconds:0} ms after the kill; first acknowledged write sent after the kill answered after {firstWrite.TotalMilliseconds:0} ms (bound {bound.TotalMilliseconds:0} ms = 2 x RAFT_ELECTION_TIMEOUT_MAX)");
        Log($"writes: {writer.Attempts} attempted, {writer.AcknowledgedCount} acknowledged; failures: {writer.FailureSummary()}");

        // No acknowledged write is lost: each one reads back, linearizably, through both survivors.
        var expected = writer.Acknowledged.ToDictionary(w => w.Key, w => w.Value);
        await Readback.AssertAllReadableAsync(survivors, expected);

        var (leaderNow, after) = await cluster.WaitForLeaderAsync(Patience, survivors);
        Assert.True(after.CurrentTerm > before.CurrentTerm, $"term after failover {after.CurrentTerm} is not above {before.CurrentTerm}");
        Assert.NotEqual(leader.Name, leaderNow.Name);

        // The old leader, restarted on its data directory and ports, drops whatever it had appended but not committed
        // before the kill, converges on the new leader's log (same last index), and serves every acknowledged write.
        leader.Start();
        var target = await leaderNow.Client.StatusAsync();
        NodeStatus? seen = null;
        var converged = await Eventually.UntilAsync($"restarted {leader.Name} to reach log {target.LogLength}, applied {target.CommitIndex}", Patience, async () =>
            (seen = await leader.Client.TryStatusAsync()) is { } s && s.LastApplied >= target.CommitIndex && s.LogLength == target.LogLength ? s : null,
            () => $"{seen?.ToString() ?? "no answer"}; leader: {target}");
        Log($"restarted {leader.Name}: {converged}");
        await Readback.AssertAllReadableAsync([leader], expected);
        var (finalLeader, final) = await cluster.WaitForLeaderAsync(Patience);
        Assert.True(finalLeader == leaderNow && final.CurrentTerm == after.CurrentTerm,
            $"restarting {leader.Name} disturbed the leader: {leaderNow.Name} led term {after.CurrentTerm}, now {finalLeader.Name} leads term {final.CurrentTerm}");

        // "Within 2 election timeouts": measured from the SIGKILL to the answer to the first write sent after it. The
        // survivors notice the silence after their randomized timeout (at most RAFT_ELECTION_TIMEOUT_MAX after the last
        // heartbeat), then a PreVote and a vote round and the new leader's first commit take a few loopback round trips;
        // the second timeout's worth is the margin for scheduling on a busy 2-core machine.
        Assert.True(firstWrite <= bound,
            $"the first write after the kill was acknowledged {firstWrite.TotalMilliseconds:0} ms after it (new leader seen after {electionTime.TotalMilliseconds:0} ms); bound {bound.TotalMilliseconds:0} ms");
    });

    private static async Task<(ServerNode Leader, TimeSpan Elapsed)> WaitForNewLeaderAsync(IReadOnlyList<ServerNode> survivors, ulong oldTerm, Func<long> since)
    {
        var leader = await Eventually.UntilAsync("a survivor to become leader in a later term", Patience, async () =>
        {
            var statuses = await LocalCluster.StatusesAsync(survivors);
            var index = statuses.ToList().FindIndex(s => s is { IsLeader: true } && s.CurrentTerm > oldTerm);
            return index >= 0 ? survivors[index] : null;
        });
        return (leader, Stopwatch.GetElapsedTime(since()));
    }
}
