using System.Text;
using Raft.Core.Storage;
using Raft.Storage;

namespace Raft.Runtime.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task A_host_restarted_on_its_file_store_recovers_every_applied_command()
    {
        using var directory = new TempDirectory();
        var options = new FileLogStoreOptions { ClusterId = "runtime-tests" };
        var expected = Enumerable.Range(0, 50).Select(i => $"cmd-{i}").ToList();

        await using (var cluster = HostCluster.Start(size: 1, new HostClusterOptions { StoreFactory = (_, _) => FileLogStore.Open(directory.Sub("store"), options) }))
        {
            var leader = await cluster.WaitForLeaderAsync();
            foreach (var command in expected)
            {
                await leader.Host.ProposeAsync(Encoding.UTF8.GetBytes(command));
            }
        }

        await using (var cluster = HostCluster.Start(size: 1, new HostClusterOptions { StoreFactory = (_, _) => FileLogStore.Open(directory.Sub("store"), options) }))
        {
            var leader = await cluster.WaitForLeaderAsync();
            await leader.Host.ReadBarrierAsync();
            Assert.Equal(expected, leader.StateMachine.Applied());
            Assert.True(leader.Host.Status.Term >= 2, $"term {leader.Host.Status.Term}: the restarted node must start a new term");
        }
    }

    [Fact]
    public async Task A_host_restarted_on_its_memory_store_after_a_snapshot_recovers_its_state()
    {
        // MemoryLogStore is what simulations and benchmarks drive RaftHost with; a snapshot saved into it must stay readable.
        using var directory = new TempDirectory();
        var store = new MemoryLogStore();
        var expected = Enumerable.Range(0, 30).Select(i => $"cmd-{i}").ToList();
        var options = new HostClusterOptions { StoreFactory = (_, _) => store, SnapshotInterval = 10, SnapshotTrailingEntries = 2, Directory = directory.Path };
        await using (var cluster = HostCluster.Start(size: 1, options))
        {
            var leader = await cluster.WaitForLeaderAsync();
            foreach (var command in expected)
            {
                await leader.Host.ProposeAsync(Encoding.UTF8.GetBytes(command));
            }

            await Eventually.HoldsAsync(() => leader.Host.Counters.SnapshotsTaken >= 1, "the host took a snapshot");
        }

        Assert.True(store.SnapshotMetadata.Index > 0);
        await using (var cluster = HostCluster.Start(size: 1, options))
        {
            var leader = await cluster.WaitForLeaderAsync();
            await leader.Host.ReadBarrierAsync();
            Assert.Equal(1, leader.StateMachine.RestoreCount);
            Assert.Equal(expected, leader.StateMachine.Applied());
        }
    }

    [Fact]
    public async Task A_follower_that_fell_behind_the_compacted_log_catches_up_from_a_snapshot()
    {
        var storeOptions = new FileLogStoreOptions { ClusterId = "runtime-tests" };
        await using var cluster = HostCluster.Start(options: new HostClusterOptions
        {
            StoreFactory = (_, path) => FileLogStore.Open(path, storeOptions),
            SnapshotInterval = 20,
            SnapshotTrailingEntries = 5,
        });
        var leader = await cluster.WaitForLeaderAsync();
        var lagging = cluster.Members.First(m => m != leader);
        await leader.Host.ProposeAsync("first"u8.ToArray());
        await Eventually.HoldsAsync(() => lagging.StateMachine.Contains("first"), "the follower applied the first command");
        cluster.Network.Isolate(lagging.Id);

        var expected = new List<string> { "first" };
        for (var i = 0; i < 100; i++)
        {
            expected.Add($"cmd-{i}");
            await leader.Host.ProposeAsync(Encoding.UTF8.GetBytes(expected[^1]));
        }

        await Eventually.HoldsAsync(
            () => leader.Host.Status.FirstIndex > lagging.Host.Status.LastIndex + 1,
            "the leader compacted away the entries the follower needs");
        cluster.Network.Heal(lagging.Id);

        await Eventually.HoldsAsync(() => lagging.StateMachine.Count == expected.Count, TimeSpan.FromSeconds(15), "the follower caught up");
        Assert.Equal(expected, lagging.StateMachine.Applied());
        Assert.True(lagging.Host.Counters.SnapshotsInstalled >= 1);
        Assert.True(leader.Host.Counters.SnapshotsSent >= 1);
        Assert.True(lagging.StateMachine.RestoreCount >= 1);
        await lagging.Host.ReadBarrierAsync();
        Assert.Null(lagging.Host.Failure);
    }
}
