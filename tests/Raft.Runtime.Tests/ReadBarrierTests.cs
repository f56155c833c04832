using System.Text;
using Raft.Core.Messages;

namespace Raft.Runtime.Tests;

public sealed class ReadBarrierTests
{
    [Fact]
    public async Task A_read_barrier_on_the_leader_completes_and_sees_its_writes()
    {
        await using var cluster = HostCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await leader.Host.ProposeAsync("w"u8.ToArray());

        await leader.Host.ReadBarrierAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(leader.StateMachine.Contains("w"));
    }

    [Fact]
    public async Task A_read_barrier_does_not_wait_for_a_busy_applier_when_the_state_machine_already_reflects_the_read_index()
    {
        await using var cluster = HostCluster.Start(options: new HostClusterOptions { SnapshotInterval = 20 });
        var leader = await cluster.WaitForLeaderAsync();

        // One write at a time, each answered once applied (with its index): the write applied at index 20 makes the
        // leader's applier take a snapshot, and block inside it, with nothing committed left to apply.
        leader.StateMachine.HoldSnapshots();
        try
        {
            ulong index = 0;
            var writes = 0;
            while (index < 20)
            {
                index = (ulong)(await leader.Host.ProposeAsync(Encoding.UTF8.GetBytes($"w{writes++}")).WaitAsync(TimeSpan.FromSeconds(10)))!;
            }

            await leader.StateMachine.SnapshotStarted.WaitAsync(TimeSpan.FromSeconds(10));

            // The state machine reflects every committed write, so the read is released once leadership is confirmed.
            await leader.Host.ReadBarrierAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(leader.StateMachine.Contains($"w{writes - 1}"));
        }
        finally
        {
            leader.StateMachine.ReleaseSnapshots();
        }
    }

    [Fact]
    public async Task A_read_barrier_on_a_follower_waits_until_the_follower_applied_every_earlier_write()
    {
        await using var cluster = HostCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Members.First(m => m != leader);

        // The follower's applier lags: it is held inside Apply, so the write below cannot be applied there yet.
        follower.StateMachine.Hold();
        try
        {
            await leader.Host.ProposeAsync("before-the-read"u8.ToArray());
            Assert.False(follower.StateMachine.Contains("before-the-read"));

            var responsesBefore = cluster.Network.DeliveredCount<ReadIndexResponse>();
            var barrier = follower.Host.ReadBarrierAsync();
            await Eventually.HoldsAsync(
                () => cluster.Network.DeliveredCount<ReadIndexResponse>() > responsesBefore,
                "the leader answered the follower's read index request");

            // The follower knows the read index, but it has not applied up to it: the barrier must still wait.
            Assert.False(barrier.IsCompleted, "the read barrier completed before the follower applied the earlier write");
            Assert.False(follower.StateMachine.Contains("before-the-read"));

            follower.StateMachine.Release();
            await barrier.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(follower.StateMachine.Contains("before-the-read"), "the barrier completed but the follower's state machine does not show the write");
        }
        finally
        {
            follower.StateMachine.Release();
        }
    }

    [Fact]
    public async Task Read_barriers_on_every_follower_see_every_write_committed_before_them()
    {
        await using var cluster = HostCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        for (var i = 0; i < 20; i++)
        {
            var command = Encoding.UTF8.GetBytes($"w{i}");
            await leader.Host.ProposeAsync(command);
            foreach (var member in cluster.Members)
            {
                await member.Host.ReadBarrierAsync().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.True(member.StateMachine.Contains($"w{i}"), $"host {member.Id} passed a read barrier without w{i}");
            }
        }
    }
}
