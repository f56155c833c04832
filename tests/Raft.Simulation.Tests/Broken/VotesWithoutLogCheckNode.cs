using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests.Broken;

internal sealed class VotesWithoutLogCheckNode(RaftOptions options, ILogStore store) : RaftNode(options, store)
{
    protected override bool IsCandidateLogUpToDate(ulong lastLogIndex, ulong lastLogTerm) => true;
}
