using Raft.Core.Storage;

namespace Raft.Runtime.Tests;

/// <summary>One host of a <see cref="HostCluster"/> with the store, state machine and transport it runs on.</summary>
internal sealed class ClusterMember(ulong id, RaftHost host, ILogStore store, RecordingStateMachine stateMachine, InMemoryTransport transport)
{
    public ulong Id { get; } = id;

    public RaftHost Host { get; set; } = host;

    public ILogStore Store { get; set; } = store;

    public RecordingStateMachine StateMachine { get; set; } = stateMachine;

    public InMemoryTransport Transport { get; } = transport;

    public bool Disposed { get; set; }
}
