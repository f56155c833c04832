using System.Text;
using Raft.Core.Messages;
using Raft.Core.Storage;

namespace Raft.Core.Tests.Harness;

/// <summary>
/// A few nodes and an explicit network: every message a node sends waits in <see cref="Pending"/> until the test delivers
/// (or drops) it. Nothing happens on its own: time moves only through <see cref="Tick"/>.
/// </summary>
internal sealed class TestCluster
{
    private readonly SortedDictionary<ulong, TestNode> nodes = [];
    private readonly List<Message> pending = [];
    private readonly HashSet<ulong> isolated = [];

    public TestCluster(ulong[] ids, TestOptions? options = null, Func<ulong, MemoryLogStore>? storeOf = null)
    {
        Configuration = new ClusterConfiguration(ids);
        var settings = options ?? new TestOptions();
        foreach (var id in ids)
        {
            nodes[id] = new TestNode(settings.For(id, Configuration), storeOf?.Invoke(id) ?? new MemoryLogStore());
        }
    }

    public ClusterConfiguration Configuration { get; }

    public IEnumerable<ulong> Ids => nodes.Keys;

    /// <summary>Messages sent and neither delivered nor dropped yet, oldest first.</summary>
    public IReadOnlyList<Message> Pending => pending;

    /// <summary>Every message ever sent, in order (use a count as a mark to see what was sent after it).</summary>
    public List<Message> Sent { get; } = [];

    /// <summary>Every message handed to its destination, in order.</summary>
    public List<Message> Delivered { get; } = [];

    /// <summary>Messages matching this are dropped when their turn to be delivered comes.</summary>
    public Func<Message, bool>? DropIf { get; set; }

    public TestNode this[ulong id] => nodes[id];

    public RaftNode Node(ulong id) => nodes[id].Node;

    public static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(LogEntry entry) => Encoding.UTF8.GetString(entry.Data.Span);

    public void Isolate(ulong id) => isolated.Add(id);

    public void Heal()
    {
        isolated.Clear();
        DropIf = null;
    }

    public void Drain(ulong id)
    {
        var messages = nodes[id].Drain();
        pending.AddRange(messages);
        Sent.AddRange(messages);
    }

    public void DrainAll()
    {
        foreach (var id in nodes.Keys)
        {
            Drain(id);
        }
    }

    public void Tick(ulong id, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            Node(id).Tick();
            Drain(id);
        }
    }

    public void TickAll()
    {
        foreach (var id in nodes.Keys)
        {
            Tick(id);
        }
    }

    /// <summary>Ticks <paramref name="id"/> until <paramref name="condition"/> holds; fails after <paramref name="maxTicks"/>.</summary>
    public int TickUntil(ulong id, Func<RaftNode, bool> condition, int maxTicks = 200)
    {
        for (var ticks = 0; ticks < maxTicks; ticks++)
        {
            if (condition(Node(id)))
            {
                return ticks;
            }

            Tick(id);
        }

        Assert.Fail($"Node {id}: condition not reached within {maxTicks} ticks.");
        return -1;
    }

    /// <summary>Ticks every node, then delivers everything, <paramref name="rounds"/> times.</summary>
    public void Run(int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            TickAll();
            Stabilize();
        }
    }

    /// <summary>Times <paramref name="id"/> out (no other node ticks) and delivers everything until quiet: it should win.</summary>
    public void ElectLeader(ulong id)
    {
        TickUntil(id, n => n.Role is not RaftRole.Follower);
        Stabilize();
        Assert.Equal(RaftRole.Leader, Node(id).Role);
    }

    public ProposeResult Propose(ulong id, params string[] commands)
    {
        var result = Node(id).Propose(commands.Select(Bytes).ToArray());
        Drain(id);
        return result;
    }

    public bool ReadIndex(ulong id, ulong context)
    {
        var started = Node(id).ReadIndex(context);
        Drain(id);
        return started;
    }

    /// <summary>Hands one message to its destination (regardless of <see cref="Pending"/>) and drains that node.</summary>
    public void Step(Message message)
    {
        Node(message.To).Step(message);
        Delivered.Add(message);
        Drain(message.To);
    }

    /// <summary>
    /// One pass over the messages pending now: those matching <paramref name="filter"/> (all if null) are delivered or
    /// dropped, the others stay pending. Returns how many were taken off the queue.
    /// </summary>
    public int Deliver(Func<Message, bool>? filter = null)
    {
        var batch = pending.Where(m => filter?.Invoke(m) ?? true).ToList();
        foreach (var message in batch)
        {
            pending.Remove(message);
        }

        foreach (var message in batch)
        {
            if (isolated.Contains(message.From) || isolated.Contains(message.To) || (DropIf?.Invoke(message) ?? false))
            {
                continue;
            }

            Step(message);
        }

        return batch.Count;
    }

    /// <summary>Delivers until no pending message matches <paramref name="filter"/> (all if null).</summary>
    public void Stabilize(Func<Message, bool>? filter = null)
    {
        for (var rounds = 0; Deliver(filter) > 0; rounds++)
        {
            if (rounds > 10_000)
            {
                throw new InvalidOperationException("The cluster does not become quiet.");
            }
        }
    }

    /// <summary>Loses the pending messages matching <paramref name="filter"/> (all if null).</summary>
    public int DropPending(Func<Message, bool>? filter = null) => pending.RemoveAll(m => filter?.Invoke(m) ?? true);

    /// <summary>The messages sent since <paramref name="mark"/> (a former <c>Sent.Count</c>).</summary>
    public List<Message> SentSince(int mark) => Sent.Skip(mark).ToList();
}
