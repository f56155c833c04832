using System.Diagnostics;
using System.Text;

namespace Raft.Runtime.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Dispose_fails_pending_requests_with_shutting_down_and_stops_every_thread_and_timer()
    {
        var time = new TrackingTimeProvider();

        // No CheckQuorum: the cut-off leader stays leader, so its requests stay pending until the host is disposed.
        await using var cluster = HostCluster.Start(options: new HostClusterOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(60),
            CheckQuorum = false,
            Time = time,
        });
        var leader = await cluster.WaitForLeaderAsync();
        await leader.Host.ProposeAsync("applied"u8.ToArray());
        var loopThread = leader.Transport.SendingThread;
        var applyThread = leader.StateMachine.ApplyingThread;
        Assert.NotNull(loopThread);
        Assert.NotNull(applyThread);

        foreach (var follower in cluster.Members.Where(m => m != leader))
        {
            cluster.Network.Isolate(follower.Id);
        }

        var proposalsBefore = leader.Host.Counters.Proposals;
        var writes = Enumerable.Range(0, 10).Select(i => leader.Host.ProposeAsync(Encoding.UTF8.GetBytes($"pending-{i}"))).ToList();
        await Eventually.HoldsAsync(() => leader.Host.Counters.Proposals >= proposalsBefore + 10, "the leader appended the pending proposals");
        var read = leader.Host.ReadBarrierAsync();
        Assert.All(writes, w => Assert.False(w.IsCompleted));

        var watch = Stopwatch.StartNew();
        await cluster.DisposeMemberAsync(leader);
        var requests = writes.Cast<Task>().Append(read).ToList();

        // Every request ends at once (not after its 60 s timeout), as ShuttingDown.
        await Task.WhenAny(Task.WhenAll(requests)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "pending requests were not failed by Dispose");
        foreach (var request in requests)
        {
            Assert.True(request.IsFaulted, $"a pending request ended as {request.Status}");
            var error = Assert.IsType<RaftRequestException>(request.Exception!.InnerException);
            Assert.Equal(RaftFailureReason.ShuttingDown, error.Reason);
        }

        Assert.True(writes.All(w => Assert.IsType<RaftRequestException>(w.Exception!.InnerException).OutcomeUnknown));

        // New requests after Dispose fail the same way.
        var late = await Assert.ThrowsAsync<RaftRequestException>(() => leader.Host.ProposeAsync("late"u8.ToArray()));
        Assert.Equal(RaftFailureReason.ShuttingDown, late.Reason);
        var lateRead = await Assert.ThrowsAsync<RaftRequestException>(() => leader.Host.ReadBarrierAsync());
        Assert.Equal(RaftFailureReason.ShuttingDown, lateRead.Reason);

        // Nothing of the host keeps running: its dedicated threads ended and no timer is left.
        if (!leader.Transport.SendingThreadIsPooled)
        {
            Assert.False(loopThread.IsAlive, $"the loop thread '{loopThread.Name}' still runs after Dispose");
        }

        if (!leader.StateMachine.ApplyingThreadIsPooled)
        {
            Assert.False(applyThread.IsAlive, $"the applier thread '{applyThread.Name}' still runs after Dispose");
        }

        var sent = leader.Transport.Sent;
        Assert.Equal(["applied"], leader.StateMachine.Applied());

        foreach (var member in cluster.Members.Where(m => m != leader))
        {
            await cluster.DisposeMemberAsync(member);
        }

        await Eventually.HoldsAsync(() => time.LiveTimers == 0, "every timer the hosts created is disposed");
        Assert.Equal(sent, leader.Transport.Sent);
    }

    [Fact]
    public async Task Dispose_of_a_host_that_never_started_returns_and_refuses_requests()
    {
        await using var cluster = HostCluster.Start(options: new HostClusterOptions { StartCount = 0 });
        var member = cluster.Members[0];

        await cluster.DisposeMemberAsync(member).WaitAsync(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<RaftRequestException>(() => member.Host.ProposeAsync("x"u8.ToArray()));
        Assert.Equal(RaftFailureReason.ShuttingDown, error.Reason);
    }

    [Fact]
    public async Task Dispose_twice_is_harmless()
    {
        await using var cluster = HostCluster.Start(size: 1);
        var member = cluster.Members[0];
        await cluster.WaitForLeaderAsync();

        member.Disposed = true;
        await member.Host.DisposeAsync();
        await member.Host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }
}
