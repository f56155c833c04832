using Raft.Core.Messages;

namespace Raft.Runtime;

/// <summary>Carries messages to peers. Must not block: a message that cannot be queued is dropped (Raft retransmits).</summary>
public interface IRaftTransport
{
    void Send(Message message);
}
