using System.Collections.Concurrent;
using Raft.Core.Messages;

namespace Raft.Runtime.Tests;

/// <summary>
/// Connects hosts in one process: a message sent by one host is handed straight to the target host's
/// <see cref="RaftHost.Deliver"/>. Nodes can be cut off (both directions dropped) and reconnected.
/// </summary>
internal sealed class InMemoryNetwork
{
    private readonly ConcurrentDictionary<ulong, RaftHost> hosts = new();
    private readonly ConcurrentDictionary<ulong, bool> isolated = new();
    private readonly ConcurrentDictionary<Type, long> delivered = new();
    private long dropped;

    public long Dropped => Interlocked.Read(ref dropped);

    public void Attach(ulong id, RaftHost host) => hosts[id] = host;

    public void Detach(ulong id) => hosts.TryRemove(id, out _);

    public void Isolate(ulong id) => isolated[id] = true;

    public void Heal(ulong id) => isolated.TryRemove(id, out _);

    /// <summary>How many messages of type <typeparamref name="T"/> were handed to a host.</summary>
    public long DeliveredCount<T>()
        where T : Message => delivered.GetValueOrDefault(typeof(T));

    public InMemoryTransport TransportFor(ulong id) => new(this, id);

    public void Route(Message message)
    {
        if (isolated.ContainsKey(message.From) || isolated.ContainsKey(message.To) || !hosts.TryGetValue(message.To, out var target))
        {
            Interlocked.Increment(ref dropped);
            return;
        }

        delivered.AddOrUpdate(message.GetType(), 1, (_, count) => count + 1);
        target.Deliver(message);
    }
}
