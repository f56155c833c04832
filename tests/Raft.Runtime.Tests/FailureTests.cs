using System.Diagnostics;
using Raft.Core;

namespace Raft.Runtime.Tests;

public sealed class FailureTests
{
    [Fact]
    public async Task A_proposal_on_a_follower_fails_with_not_leader_and_names_the_leader()
    {
        await using var cluster = HostCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();

        foreach (var follower in cluster.Members.Where(m => m != leader))
        {
            var error = await Assert.ThrowsAsync<RaftRequestException>(() => follower.Host.ProposeAsync("x"u8.ToArray()));
            Assert.Equal(RaftFailureReason.NotLeader, error.Reason);
            Assert.Equal(leader.Id, error.LeaderId);
            Assert.False(error.OutcomeUnknown);
            Assert.False(follower.StateMachine.Contains("x"));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_proposal_without_a_quorum_times_out_with_an_unknown_outcome(bool answeredAtCommit)
    {
        var timeout = TimeSpan.FromMilliseconds(600);
        await using var cluster = HostCluster.Start(options: new HostClusterOptions { RequestTimeout = timeout });
        var leader = await cluster.WaitForLeaderAsync();
        foreach (var follower in cluster.Members.Where(m => m != leader))
        {
            cluster.Network.Isolate(follower.Id);
        }

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RaftRequestException>(() => answeredAtCommit
            ? leader.Host.ReplicateAsync("lonely"u8.ToArray())
            : leader.Host.ProposeAsync("lonely"u8.ToArray()));
        watch.Stop();

        Assert.Equal(RaftFailureReason.Timeout, error.Reason);
        Assert.True(error.OutcomeUnknown);
        Assert.True(watch.Elapsed >= timeout * 0.9, $"failed after {watch.ElapsedMilliseconds} ms, before the request timeout");
        Assert.True(watch.Elapsed < timeout + TimeSpan.FromSeconds(3), $"failed only after {watch.ElapsedMilliseconds} ms");
        Assert.False(leader.StateMachine.Contains("lonely"));
    }

    [Fact]
    public async Task A_proposal_to_a_node_that_knows_no_leader_fails_at_once_with_no_leader()
    {
        // Only one of three configured hosts runs: it can never win an election.
        await using var cluster = HostCluster.Start(options: new HostClusterOptions { RequestTimeout = TimeSpan.FromSeconds(30), StartCount = 1 });
        var lonely = cluster.Members[0];

        Assert.Equal(RaftNode.None, lonely.Host.Status.LeaderId);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RaftRequestException>(() => lonely.Host.ProposeAsync("x"u8.ToArray()));
        var read = await Assert.ThrowsAsync<RaftRequestException>(() => lonely.Host.ReadBarrierAsync());

        Assert.Equal(RaftFailureReason.NoLeader, error.Reason);
        Assert.Equal(RaftFailureReason.NoLeader, read.Reason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.ElapsedMilliseconds} ms instead of failing at once");
    }

    [Fact]
    public async Task The_remaining_majority_elects_a_new_leader_and_keeps_serving()
    {
        await using var cluster = HostCluster.Start();
        var first = await cluster.WaitForLeaderAsync();
        await first.Host.ProposeAsync("before"u8.ToArray());
        cluster.Network.Isolate(first.Id);

        var rest = cluster.Ids.Where(id => id != first.Id).ToArray();
        var second = await cluster.WaitForLeaderAsync(rest);
        Assert.NotEqual(first.Id, second.Id);
        Assert.True(second.Host.Status.Term > first.Host.Status.Term || first.Host.Status.Role != RaftRole.Leader);
        await second.Host.ProposeAsync("after"u8.ToArray());

        foreach (var id in rest)
        {
            var member = cluster.Member(id);
            await member.Host.ReadBarrierAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(["before", "after"], member.StateMachine.Applied());
        }

        // The old leader rejoins, steps down and catches up.
        cluster.Network.Heal(first.Id);
        await Eventually.HoldsAsync(() => first.StateMachine.Applied().SequenceEqual(["before", "after"]), "the old leader caught up");
        var leader = await cluster.WaitForLeaderAsync();
        Assert.Equal(["before", "after"], leader.StateMachine.Applied());
    }
}
