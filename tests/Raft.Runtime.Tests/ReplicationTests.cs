using System.Collections.Concurrent;
using System.Text;
using Raft.Core.Storage;
using Xunit.Abstractions;

namespace Raft.Runtime.Tests;

public sealed class ReplicationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Proposals_on_the_leader_are_applied_in_order_on_every_host()
    {
        await using var cluster = HostCluster.Start();
        var leader = await cluster.WaitForLeaderAsync();

        var indexes = new List<ulong>();
        foreach (var command in new[] { "a", "b", "c" })
        {
            // The answer is the state machine's: the index the command was applied at.
            indexes.Add(Assert.IsType<ulong>(await leader.Host.ProposeAsync(Encoding.UTF8.GetBytes(command))));
        }

        Assert.True(indexes[0] < indexes[1] && indexes[1] < indexes[2], string.Join(",", indexes));
        Assert.Equal(["a", "b", "c"], leader.StateMachine.Applied());
        Assert.True(leader.Host.Status.CommitIndex >= indexes[2]);
        await Eventually.HoldsAsync(
            () => cluster.Members.All(m => m.StateMachine.Count == 3 && m.Host.Status.AppliedIndex >= indexes[2]),
            "every host applied the three commands");
        foreach (var member in cluster.Members)
        {
            Assert.Equal(["a", "b", "c"], member.StateMachine.Applied());
            Assert.Equal(indexes[2], member.StateMachine.LastIndex);
            Assert.Equal(0, member.StateMachine.OrderViolations);
            Assert.Equal(0, member.Transport.Misaddressed);
            Assert.Null(member.Host.Failure);
        }

        Assert.True(leader.Host.Counters.Proposals >= 3);
        Assert.True(leader.Host.Counters.AppendEntriesSent > 0);
        Assert.True(cluster.Members.Where(m => m != leader).All(m => m.Host.Counters.AppendEntriesReceived > 0));
    }

    [Fact]
    public async Task Concurrent_proposals_are_applied_exactly_once_in_the_same_order_everywhere_and_batched()
    {
        const int Tasks = 50;
        const int PerTask = 40;
        const int Total = Tasks * PerTask;
        await using var cluster = HostCluster.Start(options: new HostClusterOptions
        {
            StoreFactory = (_, _) => new CountingLogStore(TimeSpan.FromMilliseconds(1)),
        });
        var leader = await cluster.WaitForLeaderAsync();
        var store = Assert.IsType<CountingLogStore>(leader.Store);
        var (savesBefore, appendsBefore) = (store.Saves, store.Appends);
        var failures = new ConcurrentQueue<Exception>();

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                try
                {
                    await leader.Host.ProposeAsync(Encoding.UTF8.GetBytes($"{t}:{i}"));
                }
                catch (RaftRequestException e)
                {
                    failures.Enqueue(e);
                }
            }
        })));

        Assert.Empty(failures);
        var saves = store.Saves - savesBefore;
        var appends = store.Appends - appendsBefore;
        await Eventually.HoldsAsync(() => cluster.Members.All(m => m.StateMachine.Count >= Total), "every host applied every proposal");

        var reference = leader.StateMachine.Applied();
        Assert.Equal(Total, reference.Count);
        Assert.Equal(Total, reference.Distinct().Count());
        foreach (var member in cluster.Members)
        {
            Assert.Equal(reference, member.StateMachine.Applied());
            Assert.Equal(0, member.StateMachine.OrderViolations);
        }

        // Each task proposed sequentially, so its commands appear in the log in the order it proposed them.
        var positions = reference.Select((command, position) => (command, position)).ToDictionary(p => p.command, p => p.position);
        for (var t = 0; t < Tasks; t++)
        {
            for (var i = 1; i < PerTask; i++)
            {
                Assert.True(positions[$"{t}:{i - 1}"] < positions[$"{t}:{i}"], $"task {t}: command {i} applied before {i - 1}");
            }
        }

        // Group commit: the commands that arrive while the leader writes share its next write.
        output.WriteLine($"{Total} proposals: {appends} appending writes, {saves} durable writes in all on the leader");
        Assert.True(appends * 5 < Total, $"{appends} appending writes on the leader for {Total} proposals: commands are not batched");
        Assert.True(saves * 2 < Total, $"{saves} durable writes on the leader for {Total} proposals");
        Assert.True(leader.Host.Counters.Proposals >= Total);
    }
}
