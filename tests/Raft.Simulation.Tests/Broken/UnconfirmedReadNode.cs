using Raft.Core;
using Raft.Core.Storage;

namespace Raft.Simulation.Tests.Broken;

internal sealed class UnconfirmedReadNode(RaftOptions options, ILogStore store) : RaftNode(options, store)
{
    protected override bool ReadsNeedLeadershipConfirmation => false;
}
