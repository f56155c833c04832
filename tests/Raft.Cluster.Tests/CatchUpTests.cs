namespace Raft.Cluster.Tests;

/// <summary>A node restarted on its old data directory and ports catches up: from the log, or by snapshot once the log was compacted past it.</summary>
public sealed class CatchUpTests(ITestOutputHelper output) : ClusterTest(output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Restarted_old_leader_catches_up_by_log() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync();
        var (oldLeader, _) = await cluster.WaitForLeaderAsync(Patience);
        var survivors = cluster.Nodes.Where(n => n != oldLeader).ToList();
        var expected = new Dictionary<string, string>(await Writes.SetAllAsync("before-kill", 50, cluster.Nodes));

        await oldLeader.KillAsync();
        var (newLeader, _) = await cluster.WaitForLeaderAsync(Patience, survivors);
        foreach (var (key, value) in await Writes.SetAllAsync("while-down", 200, survivors))
        {
            expected[key] = value;
        }

        var target = await newLeader.Client.StatusAsync();
        Log($"killed {oldLeader.Name}; {newLeader.Name} leads term {target.CurrentTerm}, commit index {target.CommitIndex}; restarting {oldLeader.Name}");

        oldLeader.Start();
        var caughtUp = await Eventually.UntilAsync($"{oldLeader.Name} to apply up to {target.CommitIndex}", Patience, async () =>
            await oldLeader.Client.TryStatusAsync() is { } s && s.LastApplied >= target.CommitIndex ? s : null);
        Log($"{oldLeader.Name} caught up: {caughtUp}");

        // It rejoined as a follower of the current leader, without an election (PreVote).
        var (leaderNow, now) = await cluster.WaitForLeaderAsync(Patience);
        Assert.Equal(newLeader.Name, leaderNow.Name);
        Assert.Equal(target.CurrentTerm, now.CurrentTerm);

        // By log: the default snapshot interval is far above these few hundred entries, so nothing was sent as a snapshot.
        Assert.Equal(0, await oldLeader.Client.MetricAsync("raft_snapshots_installed_total"));

        await Readback.AssertAllReadableAsync([oldLeader], expected);
    });

    [Fact]
    public Task Restarted_follower_catches_up_by_snapshot_when_the_log_was_compacted_past_it() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync(new ClusterOptions { SnapshotInterval = 50 });
        var (leader, _) = await cluster.WaitForLeaderAsync(Patience);
        var follower = cluster.Nodes.First(n => n != leader);
        var others = cluster.Nodes.Where(n => n != follower).ToList();
        var expected = new Dictionary<string, string>(await Writes.SetAllAsync("early", 10, cluster.Nodes));

        var early = await Eventually.UntilAsync($"{follower.Name} to apply the early writes", Patience, async () =>
            await follower.Client.TryStatusAsync() is { } s && await leader.Client.TryStatusAsync() is { } l && s.LastApplied >= l.CommitIndex ? s : null);
        await follower.KillAsync();
        Log($"killed follower {follower.Name} at {early}");

        foreach (var (key, value) in await Writes.SetAllAsync("compacted", 500, others))
        {
            expected[key] = value;
        }

        var compacted = await Eventually.UntilAsync($"the leader's log to be compacted past index {early.LogLength}", Patience, async () =>
            await leader.Client.TryStatusAsync() is { } s && s.FirstIndex > early.LogLength ? s : null);
        Log($"leader after 500 writes: {compacted}");

        follower.Start();
        var caughtUp = await Eventually.UntilAsync($"{follower.Name} to apply up to {compacted.CommitIndex}", Patience, async () =>
            await follower.Client.TryStatusAsync() is { } s && s.LastApplied >= compacted.CommitIndex ? s : null);
        Log($"{follower.Name} caught up: {caughtUp}");

        var installed = await follower.Client.MetricAsync("raft_snapshots_installed_total");
        Assert.True(installed >= 1, $"{follower.Name} caught up past the leader's compacted log, but raft_snapshots_installed_total is {installed?.ToString() ?? "absent"}");
        await Readback.AssertAllReadableAsync([follower], expected);
    });
}
