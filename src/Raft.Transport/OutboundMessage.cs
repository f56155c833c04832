using Raft.Core.Messages;

namespace Raft.Transport;

/// <summary>A message waiting in a peer's queue, with its encoded length computed once when it was queued (for the byte bound).</summary>
internal readonly record struct OutboundMessage(Message Message, int Length);
