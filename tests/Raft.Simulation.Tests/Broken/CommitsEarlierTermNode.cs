using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests.Broken;

internal sealed class CommitsEarlierTermNode(RaftOptions options, ILogStore store) : RaftNode(options, store)
{
    protected override bool MayCommitByCounting(ulong index) => TryGetTerm(index, out _);
}
