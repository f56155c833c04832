using System.Diagnostics;

namespace Raft.Cluster.Tests;

/// <summary>
/// SIGSTOP/SIGCONT: a paused follower rejoins without disrupting the leader (PreVote, CheckQuorum); a paused leader is
/// replaced, and when resumed steps down, leaving one leader and no acknowledged write lost.
/// </summary>
public sealed class PauseTests(ITestOutputHelper output) : ClusterTest(output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task Paused_follower_rejoins_without_disrupting_the_leader() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync();
        var (leader, before) = await cluster.WaitForLeaderAsync(Patience);
        var follower = cluster.Nodes.First(n => n != leader);

        await using var writer = new BackgroundWriter("pause-follower", clients: 3, cluster.Nodes.Where(n => n != follower));
        writer.Start();
        await Eventually.UntilAsync("50 acknowledged writes", Patience, () => Task.FromResult(writer.AcknowledgedCount >= 50), writer.FailureSummary);

        await SetAsync(leader, "probe", "before-pause");
        var electionsBefore = await follower.Client.MetricAsync("raft_elections_total");

        // More than 3 election timeouts of silence from the follower, while writes go on.
        var pause = TimeSpan.FromMilliseconds((3 * cluster.Options.ElectionTimeoutMaxMs) + 500);
        follower.Pause();
        var pausedAt = Stopwatch.StartNew();
        var acknowledgedAtPause = writer.AcknowledgedCount;
        await SetAsync(leader, "probe", "during-pause");

        // Requests that reach the follower while it is frozen are handled the moment it resumes, before it has caught up.
        var queued = await QueueAsync(follower, "queued-at-follower");
        await Eventually.UntilAsync($"{pause.TotalMilliseconds:0} ms of pause with writes committing", Patience,
            () => Task.FromResult(pausedAt.Elapsed >= pause && writer.AcknowledgedCount >= acknowledgedAtPause + 50), writer.FailureSummary);
        var others = cluster.Nodes.Where(n => n != follower).ToList();
        var (leaderBeforeResume, beforeResume) = await cluster.WaitForLeaderAsync(Patience, others);
        follower.Resume();
        var queuedWrites = await CheckQueuedAsync(queued, requireReads: true);
        Log($"{follower.Name} was paused for {pausedAt.Elapsed.TotalMilliseconds:0} ms; {writer.AcknowledgedCount - acknowledgedAtPause} writes acknowledged meanwhile");

        // Writes go on after the resume, now through the resumed node too.
        writer.Targets = cluster.Nodes;
        var acknowledgedAtResume = writer.AcknowledgedCount;
        await Eventually.UntilAsync("50 more acknowledged writes after the resume", Patience,
            () => Task.FromResult(writer.AcknowledgedCount >= acknowledgedAtResume + 50), writer.FailureSummary);
        await writer.StopAsync();
        Log($"writes: {writer.Attempts} attempted, {writer.AcknowledgedCount} acknowledged; failures: {writer.FailureSummary()}");

        var target = await leader.Client.StatusAsync();
        var caughtUp = await Eventually.UntilAsync($"{follower.Name} to apply up to {target.CommitIndex}", Patience, async () =>
            await follower.Client.TryStatusAsync() is { } s && s.LastApplied >= target.CommitIndex ? s : null);
        Log($"{follower.Name} caught up: {caughtUp}");

        // The resume disrupted nothing: same leader and term as just before it, and the resumed node never stood as a candidate.
        var statuses = await LocalCluster.StatusesAsync(cluster.Nodes);
        var description = LocalCluster.Describe(statuses);
        Assert.True(statuses.All(s => s is not null && s.CurrentTerm == beforeResume.CurrentTerm && s.LeaderId == leaderBeforeResume.Name),
            $"the resumed follower disrupted the cluster: just before the resume {leaderBeforeResume.Name} led term {beforeResume.CurrentTerm}; now {description}");
        Assert.Single(statuses, s => s!.IsLeader);
        var electionsAfter = await follower.Client.MetricAsync("raft_elections_total");
        Assert.True(electionsAfter == electionsBefore, $"{follower.Name} stood as a candidate after the pause: raft_elections_total went from {electionsBefore} to {electionsAfter}");

        // Nor did the pause itself: the leader kept its quorum with the one remaining follower throughout.
        Assert.True(leaderBeforeResume == leader && beforeResume.CurrentTerm == before.CurrentTerm,
            $"leadership changed while {follower.Name} was paused (before the resume): {leader.Name} led term {before.CurrentTerm}, then {leaderBeforeResume.Name} led term {beforeResume.CurrentTerm}; with one follower paused, the leader needs the other one's acknowledgements every election timeout (see its raft_fsync_latency_seconds below)");
        await Readback.AssertAllReadableAsync([follower], Expected(writer, queuedWrites));
    });

    [Fact]
    public Task Paused_leader_is_replaced_and_steps_down_when_resumed() => RunAsync(async () =>
    {
        var cluster = await StartClusterAsync();
        var (oldLeader, before) = await cluster.WaitForLeaderAsync(Patience);
        var followers = cluster.Nodes.Where(n => n != oldLeader).ToList();

        await using var writer = new BackgroundWriter("pause-leader", clients: 3, followers);
        writer.Start();
        await Eventually.UntilAsync("50 acknowledged writes", Patience, () => Task.FromResult(writer.AcknowledgedCount >= 50), writer.FailureSummary);

        await SetAsync(oldLeader, "probe", "before-pause");
        var pausedAt = Stopwatch.GetTimestamp();
        oldLeader.Pause();
        var (newLeader, elected) = await cluster.WaitForLeaderAsync(Patience, followers);
        Log($"paused leader {oldLeader.Name} (term {before.CurrentTerm}); {newLeader.Name} leads term {elected.CurrentTerm} after {Stopwatch.GetElapsedTime(pausedAt).TotalMilliseconds:0} ms");
        Assert.True(elected.CurrentTerm > before.CurrentTerm);

        await Eventually.UntilAsync("an acknowledged write sent after the pause", Patience,
            () => Task.FromResult(writer.FirstAcknowledgedSentAfter(pausedAt) is not null), writer.FailureSummary);
        Log($"first write sent after the pause acknowledged {writer.FirstAcknowledgedSentAfter(pausedAt)!.Value.TotalMilliseconds:0} ms after it");

        // The old leader, frozen, still believes it leads: requests queued at it are handled the moment it resumes, before
        // it hears of the new term. Reads must not be stale; writes it acknowledges must have been committed.
        await SetAsync(newLeader, "probe", "during-pause");
        var queued = await QueueAsync(oldLeader, "queued-at-old-leader");
        oldLeader.Resume();
        var resumedAt = Stopwatch.GetTimestamp();
        var queuedWrites = await CheckQueuedAsync(queued, requireReads: false);
        var (leaderNow, now) = await cluster.WaitForLeaderAsync(Patience);
        Log($"after resuming {oldLeader.Name}: {leaderNow.Name} leads term {now.CurrentTerm} ({Stopwatch.GetElapsedTime(resumedAt).TotalMilliseconds:0} ms to agree)");
        Assert.Equal(newLeader.Name, leaderNow.Name);
        Assert.Equal(elected.CurrentTerm, now.CurrentTerm);

        writer.Targets = cluster.Nodes;
        var acknowledgedAtResume = writer.AcknowledgedCount;
        await Eventually.UntilAsync("50 more acknowledged writes after the resume", Patience,
            () => Task.FromResult(writer.AcknowledgedCount >= acknowledgedAtResume + 50), writer.FailureSummary);
        await writer.StopAsync();
        Log($"writes: {writer.Attempts} attempted, {writer.AcknowledgedCount} acknowledged; failures: {writer.FailureSummary()}");

        var statuses = await LocalCluster.StatusesAsync(cluster.Nodes);
        Assert.True(statuses.Count(s => s is { IsLeader: true }) == 1 && statuses.All(s => s?.LeaderId == newLeader.Name),
            $"expected {newLeader.Name} as the only leader; {LocalCluster.Describe(statuses)}");

        var target = await newLeader.Client.StatusAsync();
        await Eventually.UntilAsync($"{oldLeader.Name} to apply up to {target.CommitIndex}", Patience, async () =>
            await oldLeader.Client.TryStatusAsync() is { } s && s.LastApplied >= target.CommitIndex);
        await Readback.AssertAllReadableAsync(cluster.Nodes, Expected(writer, queuedWrites));
    });

    private static async Task SetAsync(ServerNode node, string key, string value)
    {
        var reply = await node.Client.SetAsync(key, value);
        Assert.True(reply.Acknowledged, $"SET {key}={value} through {node.Name}: {reply}");
    }

    /// <summary>Three GETs of "probe" and three SETs of new keys, written to the (paused) node's HTTP port.</summary>
    private static async Task<IReadOnlyList<(QueuedRequest Request, string? Key, string? Value)>> QueueAsync(ServerNode node, string prefix)
    {
        var queued = new List<(QueuedRequest, string?, string?)>();
        for (var i = 0; i < 3; i++)
        {
            queued.Add((await QueuedRequest.SendAsync(node, "GET", "probe"), null, null));
            var (key, value) = ($"{prefix}-{i}", $"{prefix} value {i}");
            queued.Add((await QueuedRequest.SendAsync(node, "SET", key, value), key, value));
        }

        return queued;
    }

    /// <summary>
    /// Reads the answers to the queued requests. A GET must never return the value overwritten during the pause (a stale
    /// read) nor miss the key; with <paramref name="requireReads"/> it must succeed. Returns the SETs that were acknowledged.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> CheckQueuedAsync(IReadOnlyList<(QueuedRequest Request, string? Key, string? Value)> queued, bool requireReads)
    {
        var acknowledged = new Dictionary<string, string>();
        var problems = new List<string>();
        foreach (var (request, key, value) in queued)
        {
            using (request)
            {
                var reply = await request.ReadReplyAsync(TimeSpan.FromSeconds(15));
                Log($"queued {request.Description}: {reply}");
                if (key is not null)
                {
                    if (reply.Acknowledged)
                    {
                        acknowledged[key] = value!;
                    }
                }
                else if (reply.Acknowledged ? reply.Result != "during-pause" : requireReads || reply.Status == System.Net.HttpStatusCode.NotFound)
                {
                    problems.Add($"{request.Description}: expected \"during-pause\"{(requireReads ? "" : " or a 503")}, got {reply}");
                }
            }
        }

        Assert.True(problems.Count == 0, $"reads handled right after SIGCONT were wrong (\"before-pause\" would be a stale read):\n{string.Join('\n', problems)}");
        return acknowledged;
    }

    private static Dictionary<string, string> Expected(BackgroundWriter writer, IReadOnlyDictionary<string, string> more)
    {
        var expected = writer.Acknowledged.ToDictionary(w => w.Key, w => w.Value);
        foreach (var (key, value) in more)
        {
            expected[key] = value;
        }

        expected["probe"] = "during-pause";
        return expected;
    }
}
