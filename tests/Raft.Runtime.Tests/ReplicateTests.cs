using System.Collections.Concurrent;
using System.Text;
using Raft.Core.Messages;

namespace Raft.Runtime.Tests;

public sealed class ReplicateTests
{
    [Fact]
    public async Task A_replicated_write_completes_at_commit_before_the_leader_applies_it_and_a_read_barrier_waits_for_the_apply()
    {
        await using var cluster = HostCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        await leader.Host.ProposeAsync("first"u8.ToArray());

        // The leader's applier is held inside Apply: a write answered only after its apply could never complete here.
        leader.StateMachine.Hold();
        try
        {
            await leader.Host.ReplicateAsync("at-commit"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.False(leader.StateMachine.Contains("at-commit"));

            var heartbeatsBefore = cluster.Network.DeliveredCount<HeartbeatResponse>();
            var barrier = leader.Host.ReadBarrierAsync();
            await Eventually.HoldsAsync(
                () => cluster.Network.DeliveredCount<HeartbeatResponse>() > heartbeatsBefore,
                "the followers answered the leader's read round");

            // Leadership is confirmed, but a read must still see the write it follows: the barrier waits for the apply.
            Assert.False(barrier.IsCompleted, "the read barrier completed before the replicated write was applied");

            leader.StateMachine.Release();
            await barrier.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(leader.StateMachine.Contains("at-commit"));
        }
        finally
        {
            leader.StateMachine.Release();
        }
    }

    [Fact]
    public async Task The_leader_keeps_committing_applying_and_reading_while_its_store_is_still_writing_a_snapshot()
    {
        await using var cluster = HostCluster.Start(options: new HostClusterOptions
        {
            SnapshotInterval = 20,
            StoreFactory = (_, _) => new CountingLogStore(TimeSpan.Zero),
        });
        var leader = await cluster.WaitForLeaderAsync();
        var store = Assert.IsType<CountingLogStore>(leader.Store);

        // The snapshot taken at index 20 is being written to disk (held here, as a slow disk would hold it).
        store.HoldSnapshotPreparation();
        try
        {
            var written = 0;
            while (!store.SnapshotPreparationStarted.IsCompleted)
            {
                await leader.Host.ReplicateAsync(Encoding.UTF8.GetBytes($"w{written++}")).WaitAsync(TimeSpan.FromSeconds(10));
            }

            // Neither the loop nor the applier waits for the snapshot's data: writes go on committing and being applied,
            // and reads go on being served.
            for (var i = 0; i < 50; i++)
            {
                await leader.Host.ReplicateAsync(Encoding.UTF8.GetBytes($"during{i}")).WaitAsync(TimeSpan.FromSeconds(10));
            }

            await leader.Host.ProposeAsync("applied-during"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(10));
            await leader.Host.ReadBarrierAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(leader.StateMachine.Contains("during49"));
            Assert.Equal(0UL, leader.Host.Status.SnapshotIndex);
        }
        finally
        {
            store.ReleaseSnapshotPreparation();
        }

        await Eventually.HoldsAsync(() => leader.Host.Status.SnapshotIndex >= 20, "the snapshot was saved once its data was written");
    }

    [Fact]
    public async Task Replicated_and_proposed_writes_in_one_batch_each_complete_and_are_applied_once_in_order()
    {
        await using var cluster = HostCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();
        var answers = new ConcurrentDictionary<string, object?>();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var command = Encoding.UTF8.GetBytes($"w{i}");
            if (i % 2 == 0)
            {
                await leader.Host.ReplicateAsync(command);
            }
            else
            {
                answers[$"w{i}"] = await leader.Host.ProposeAsync(command);
            }
        })));

        // Proposed writes still get the state machine's answer (the index it applied them at).
        Assert.Equal(100, answers.Count);
        Assert.All(answers.Values, answer => Assert.IsType<ulong>(answer));
        await leader.Host.ReadBarrierAsync();
        for (var i = 0; i < 200; i++)
        {
            Assert.True(leader.StateMachine.Contains($"w{i}"), $"w{i} was not applied");
        }

        Assert.Equal(200, leader.StateMachine.Applied().Count(command => command.StartsWith('w')));
        Assert.Equal(0, leader.StateMachine.OrderViolations);
    }
}
