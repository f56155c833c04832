using Raft.Core.Messages;
using Raft.Core.Storage;

namespace Raft.Core.Tests.Harness;

/// <summary>
/// One node with its store and a trivial state machine (the list of applied entries), driven exactly by the Ready contract:
/// persist (snapshot, then entries and hard state), then send, apply, serve reads, then Advance.
/// </summary>
internal sealed class TestNode
{
    public TestNode(RaftOptions options, MemoryLogStore store)
    {
        Options = options;
        Store = store;
        Node = new RaftNode(options, store);
        LastApplied = store.SnapshotMetadata.Index;
    }

    public RaftOptions Options { get; }

    public MemoryLogStore Store { get; }

    public RaftNode Node { get; private set; }

    public ulong Id => Options.Id;

    /// <summary>Entries applied to the state machine since it was last (re)started, in order.</summary>
    public List<LogEntry> Applied { get; } = [];

    public ulong LastApplied { get; private set; }

    public List<ReadState> ReadStates { get; } = [];

    public List<Snapshot> InstalledSnapshots { get; } = [];

    public List<ReadyRecord> Readies { get; } = [];

    /// <summary>Handles every Ready the node has; returns the messages to send, in order.</summary>
    public List<Message> Drain()
    {
        var outgoing = new List<Message>();
        for (var i = 0; Node.HasReady(); i++)
        {
            if (i > 1000)
            {
                throw new InvalidOperationException($"Node {Id} keeps producing Ready batches.");
            }

            var rd = Node.GetReady();

            // 1. Persist: snapshot first, then entries and hard state in one write.
            if (rd.Snapshot is { } snapshot)
            {
                Assert.True(rd.CommittedEntries.IsEmpty, "A Ready never carries a snapshot together with committed entries.");
                Store.InstallSnapshot(snapshot);
                InstalledSnapshots.Add(snapshot);
            }

            Store.Save(rd.HardState, rd.Entries);

            // 2. Send (copied: the lists are reused after Advance).
            var messages = rd.Messages.ToArray();
            outgoing.AddRange(messages);

            // 3. Apply, 4. install the snapshot in the state machine.
            var committed = rd.CommittedEntries.ToArray();
            if (rd.Snapshot is { } installed)
            {
                LastApplied = installed.Metadata.Index;
            }

            foreach (var entry in committed)
            {
                Assert.Equal(LastApplied + 1, entry.Index);
                LastApplied = entry.Index;
                Applied.Add(entry);
            }

            // 5. Reads.
            var reads = rd.ReadStates.ToArray();
            ReadStates.AddRange(reads);

            Readies.Add(new ReadyRecord(rd.HardState, rd.Entries.ToArray(), rd.Snapshot, messages, committed, reads, rd.Role, rd.LeaderId, rd.MustSync));
            Node.Advance();
        }

        return outgoing;
    }

    /// <summary>A crash and restart: the node object and the state machine are lost, the store survives.</summary>
    public void Restart()
    {
        Node = new RaftNode(Options, Store);
        Applied.Clear();
        LastApplied = Store.SnapshotMetadata.Index;
    }
}
