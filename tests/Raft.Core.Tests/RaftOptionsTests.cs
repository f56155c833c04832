using Raft.Core.Storage;

namespace Raft.Core.Tests;

public sealed class RaftOptionsTests
{
    [Theory]
    [InlineData(0UL, 10, 20, 2)] // id 0 is "no node"
    [InlineData(1UL, 10, 20, 10)] // heartbeat == election minimum
    [InlineData(1UL, 10, 20, 15)] // heartbeat > election minimum
    [InlineData(1UL, 10, 20, 0)] // no heartbeat
    [InlineData(1UL, 10, 10, 2)] // min == max: empty range
    [InlineData(1UL, 20, 10, 2)] // min > max
    [InlineData(1UL, 0, 10, 2)] // min below 1
    public void InvalidOptionsAreRejected(ulong id, int min, int max, int heartbeat)
    {
        var options = new RaftOptions
        {
            Id = id,
            InitialConfiguration = new ClusterConfiguration([1, 2, 3]),
            ElectionTimeoutMinTicks = min,
            ElectionTimeoutMaxTicks = max,
            HeartbeatIntervalTicks = heartbeat,
            RandomSeed = 1,
        };

        Assert.Throws<ArgumentException>(options.Validate);
        Assert.Throws<ArgumentException>(() => new RaftNode(options, new MemoryLogStore()));
    }

    [Fact]
    public void InvalidFlowControlLimitsAreRejected()
    {
        var configuration = new ClusterConfiguration([1]);
        Assert.Throws<ArgumentException>(new RaftOptions { Id = 1, InitialConfiguration = configuration, MaxInflightMessages = 0 }.Validate);
        Assert.Throws<ArgumentException>(new RaftOptions { Id = 1, InitialConfiguration = configuration, MaxInflightBytes = 0 }.Validate);
        Assert.Throws<ArgumentException>(new RaftOptions { Id = 1, InitialConfiguration = configuration, MaxAppendEntriesBytes = 0 }.Validate);
        Assert.Throws<ArgumentException>(new RaftOptions { Id = 1, InitialConfiguration = configuration, MaxUncommittedBytes = -1 }.Validate);
    }

    [Fact]
    public void ConfigurationIsRequiredWhenTheStoreHasNone()
    {
        Assert.Throws<ArgumentException>(() => new RaftNode(new RaftOptions { Id = 1, RandomSeed = 1 }, new MemoryLogStore()));
    }

    [Fact]
    public void ValidOptionsAreAccepted()
    {
        var node = new RaftNode(
            new RaftOptions { Id = 1, InitialConfiguration = new ClusterConfiguration([1, 2, 3]), ElectionTimeoutMinTicks = 3, ElectionTimeoutMaxTicks = 4, HeartbeatIntervalTicks = 2, RandomSeed = 1 },
            new MemoryLogStore());

        Assert.Equal((RaftRole.Follower, 0UL, 0UL), (node.Role, node.Term, node.LeaderId));
        Assert.False(node.HasReady());
    }
}
