namespace Raft.Core.Tests;

public sealed class ClusterConfigurationTests
{
    [Theory]
    [InlineData(1, 10)] // its own value
    [InlineData(2, 10)] // both
    [InlineData(3, 20)] // 2 of 3
    [InlineData(4, 20)] // 3 of 4
    [InlineData(5, 30)] // 3 of 5
    public void QuorumValueIsTheHighestValueAMajorityHasReached(int voters, ulong expected)
    {
        var ids = Enumerable.Range(1, voters).Select(i => (ulong)i).ToArray();
        var configuration = new ClusterConfiguration(ids);

        Assert.Equal(expected, configuration.QuorumValue(id => id * 10));
        Assert.Equal(expected, configuration.QuorumValue(id => ((ulong)voters + 1 - id) * 10)); // independent of order
    }

    [Fact]
    public void QuorumValueOfJointConfigurationNeedsBothMajorities()
    {
        var joint = new ClusterConfiguration([1, 2, 3], outgoingVoters: [3, 4, 5]);
        Assert.True(joint.IsJoint);

        // incoming {1,2,3} -> 20; outgoing {3,4,5} -> 40: the joint value is the lower.
        Assert.Equal(20UL, joint.QuorumValue(id => id * 10));
        // incoming -> 40 (values 50,40,30); outgoing -> 20 (30,20,10).
        Assert.Equal(20UL, joint.QuorumValue(id => (6 - id) * 10));
    }

    [Fact]
    public void LearnersDoNotCountTowardsQuorum()
    {
        var configuration = new ClusterConfiguration([1, 2, 3], learners: [4, 5]);

        Assert.Equal(0UL, configuration.QuorumValue(id => id >= 3 ? 100UL : 0UL));
        Assert.False(configuration.IsVoter(4));
        Assert.True(configuration.IsMember(4));
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], configuration.Members);
    }

    [Theory]
    [InlineData(new ulong[] { 1 }, new ulong[] { }, VoteResult.Pending)]
    [InlineData(new ulong[] { 1, 2 }, new ulong[] { }, VoteResult.Won)]
    [InlineData(new ulong[] { 1 }, new ulong[] { 2 }, VoteResult.Pending)]
    [InlineData(new ulong[] { 1 }, new ulong[] { 2, 3 }, VoteResult.Lost)]
    [InlineData(new ulong[] { }, new ulong[] { 2, 3 }, VoteResult.Lost)]
    [InlineData(new ulong[] { 1, 2, 3 }, new ulong[] { }, VoteResult.Won)]
    public void TallyVotesOfThreeVoters(ulong[] granted, ulong[] rejected, VoteResult expected)
    {
        var configuration = new ClusterConfiguration([1, 2, 3]);
        Assert.Equal(expected, configuration.TallyVotes(Votes(granted, rejected)));
    }

    [Theory]
    [InlineData(new ulong[] { 1, 2 }, new ulong[] { 3 }, VoteResult.Pending)] // 3 of 4 needed
    [InlineData(new ulong[] { 1, 2, 3 }, new ulong[] { 4 }, VoteResult.Won)]
    [InlineData(new ulong[] { 1, 2 }, new ulong[] { 3, 4 }, VoteResult.Lost)]
    public void TallyVotesOfFourVoters(ulong[] granted, ulong[] rejected, VoteResult expected)
    {
        var configuration = new ClusterConfiguration([1, 2, 3, 4]);
        Assert.Equal(expected, configuration.TallyVotes(Votes(granted, rejected)));
    }

    [Theory]
    [InlineData(new ulong[] { 1, 2 }, new ulong[] { }, VoteResult.Pending)] // incoming won, outgoing pending
    [InlineData(new ulong[] { 1, 2, 4, 5 }, new ulong[] { }, VoteResult.Won)]
    [InlineData(new ulong[] { 3, 4, 5 }, new ulong[] { }, VoteResult.Pending)] // outgoing won, incoming has one
    [InlineData(new ulong[] { 1, 2, 3 }, new ulong[] { 5, 6 }, VoteResult.Lost)] // outgoing lost
    [InlineData(new ulong[] { 4, 5, 6 }, new ulong[] { 1, 2 }, VoteResult.Lost)] // incoming lost
    public void TallyVotesOfJointConfigurationNeedsBothHalves(ulong[] granted, ulong[] rejected, VoteResult expected)
    {
        var joint = new ClusterConfiguration([1, 2, 3], outgoingVoters: [4, 5, 6]);
        Assert.Equal(expected, joint.TallyVotes(Votes(granted, rejected)));
    }

    [Fact]
    public void LearnerVotesDoNotCount()
    {
        var configuration = new ClusterConfiguration([1, 2, 3], learners: [4, 5]);
        Assert.Equal(VoteResult.Pending, configuration.TallyVotes(Votes([1, 4, 5], [])));
    }

    [Fact]
    public void InvalidConfigurationsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new ClusterConfiguration([]));
        Assert.Throws<ArgumentException>(() => new ClusterConfiguration([0, 1]));
        Assert.Throws<ArgumentException>(() => new ClusterConfiguration([1, 2], learners: [2]));
    }

    [Fact]
    public void ConfigurationsAreNormalisedAndComparedByValue()
    {
        var a = new ClusterConfiguration([3, 1, 2, 1]);
        var b = new ClusterConfiguration([1, 2, 3]);

        Assert.Equal([1UL, 2UL, 3UL], a.Voters);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new ClusterConfiguration([1, 2, 3], learners: [4]));
    }

    private static Dictionary<ulong, bool> Votes(ulong[] granted, ulong[] rejected) =>
        granted.Select(id => (id, true)).Concat(rejected.Select(id => (id, false))).ToDictionary(v => v.id, v => v.Item2);
}
