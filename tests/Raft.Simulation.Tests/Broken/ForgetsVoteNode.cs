using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests.Broken;

internal sealed class ForgetsVoteNode(RaftOptions options, ILogStore store) : RaftNode(options, store)
{
    protected override HardState HardStateToPersist(HardState current) => current with { Vote = None };
}
