using Raft.Core.Messages;

namespace Raft.Runtime.Tests;

/// <summary>One host's view of the <see cref="InMemoryNetwork"/>; also records the thread the host sends from (its loop).</summary>
internal sealed class InMemoryTransport(InMemoryNetwork network, ulong id) : IRaftTransport
{
    private long sent;
    private long misaddressed;

    public ulong Id { get; } = id;

    public long Sent => Interlocked.Read(ref sent);

    /// <summary>Messages whose sender is not this host (must stay 0).</summary>
    public long Misaddressed => Interlocked.Read(ref misaddressed);

    public Thread? SendingThread { get; private set; }

    public bool SendingThreadIsPooled { get; private set; }

    public void Send(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.From != Id)
        {
            Interlocked.Increment(ref misaddressed);
        }

        SendingThread = Thread.CurrentThread;
        SendingThreadIsPooled = Thread.CurrentThread.IsThreadPoolThread;
        Interlocked.Increment(ref sent);
        network.Route(message);
    }
}
