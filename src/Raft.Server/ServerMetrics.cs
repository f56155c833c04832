using Prometheus;
using Raft.Runtime;

namespace Raft.Server;

/// <summary>
/// The Prometheus metrics: the seed's gauges (raft_current_term, raft_commit_index, raft_last_applied, raft_log_length,
/// raft_state) plus counters and latency histograms. A registry per server, so several servers can share a process (tests).
/// </summary>
public sealed class ServerMetrics
{
    private readonly CollectorRegistry registry = Metrics.NewCustomRegistry();
    private readonly Histogram commitLatency;
    private readonly Histogram fsyncLatency;

    public ServerMetrics(RaftNodeService node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var factory = Metrics.WithCustomRegistry(registry);
        var term = factory.CreateGauge("raft_current_term", "Current Raft term.");
        var commit = factory.CreateGauge("raft_commit_index", "Last committed log index.");
        var applied = factory.CreateGauge("raft_last_applied", "Last applied log index.");
        var logLength = factory.CreateGauge("raft_log_length", "Index of the last log entry.");
        var state = factory.CreateGauge("raft_state", "Current node state (0=Follower, 1=Candidate, 2=Leader).");
        var counters = new (Counter Counter, Func<RaftCounters, long> Read)[]
        {
            (factory.CreateCounter("raft_proposals_total", "Commands accepted for replication by this node as leader."), c => c.Proposals),
            (factory.CreateCounter("raft_commits_total", "Entries committed and handed to the state machine."), c => c.Commits),
            (factory.CreateCounter("raft_applied_total", "Entries applied to the state machine."), c => c.Applied),
            (factory.CreateCounter("raft_elections_total", "Elections this node started."), c => c.Elections),
            (factory.CreateCounter("raft_leader_changes_total", "Times this node saw a new leader."), c => c.LeaderChanges),
            (factory.CreateCounter("raft_append_entries_sent_total", "AppendEntries messages sent."), c => c.AppendEntriesSent),
            (factory.CreateCounter("raft_append_entries_received_total", "AppendEntries messages received."), c => c.AppendEntriesReceived),
            (factory.CreateCounter("raft_append_entries_rejected_total", "AppendEntries rejections received by this node as leader."), c => c.AppendEntriesRejected),
            (factory.CreateCounter("raft_snapshots_sent_total", "Snapshots sent to followers."), c => c.SnapshotsSent),
            (factory.CreateCounter("raft_snapshots_installed_total", "Snapshots received from a leader and installed."), c => c.SnapshotsInstalled),
            (factory.CreateCounter("raft_snapshots_taken_total", "Local snapshots taken (log compactions)."), c => c.SnapshotsTaken),
        };
        commitLatency = factory.CreateHistogram("raft_commit_latency_seconds", "Time from proposal to apply of a write on this node.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00005, 2, 18) });
        fsyncLatency = factory.CreateHistogram("raft_fsync_latency_seconds", "Duration of one durable log write (write and fsync).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00002, 2, 18) });

        registry.AddBeforeCollectCallback(() =>
        {
            RaftHost host;
            try
            {
                host = node.Host;
            }
            catch (InvalidOperationException)
            {
                return;
            }

            var status = host.Status;
            term.Set(status.Term);
            commit.Set(status.CommitIndex);
            applied.Set(status.AppliedIndex);
            logLength.Set(status.LastIndex);
            state.Set((int)status.Role == 3 ? 1 : (int)status.Role);
            foreach (var (counter, read) in counters)
            {
                counter.IncTo(read(host.Counters));
            }
        });
    }

    /// <summary>Hooks the latency histograms to the host's observations (call once the node has started).</summary>
    public void Attach(RaftHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.Counters.CommitObserved = elapsed => commitLatency.Observe(elapsed.TotalSeconds);
        host.Counters.PersistObserved = elapsed => fsyncLatency.Observe(elapsed.TotalSeconds);
    }

    public Task WriteAsync(Stream destination, CancellationToken cancellationToken) => registry.CollectAndExportAsTextAsync(destination, cancellationToken);
}
