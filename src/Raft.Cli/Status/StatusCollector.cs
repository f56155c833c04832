using Raft.Cli.Api;

namespace Raft.Cli.Status;

/// <summary>
/// Asks the node at <c>--address</c> for its status, then every node it lists in <c>"members"</c> in parallel
/// (each bounded by the client's timeout), and puts the answers together: which node leads, and how far each
/// node is behind it.
/// </summary>
internal static class StatusCollector
{
    private const string UnknownNodeId = "(unknown)";

    public static async Task<StatusReport> CollectAsync(RaftApiClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);

        // The entry node must answer: if it does not, there is nothing to report (the caller maps the exception).
        NodeStatusReply entry = await client.GetStatusAsync(null, cancellationToken).ConfigureAwait(false);
        string entryId = entry.Status.NodeId ?? UnknownNodeId;
        var entryProbe = new Probe(entryId, RaftApiClient.Display(client.BaseAddress), entry, null);

        var seen = new HashSet<string>(StringComparer.Ordinal) { entryId };
        var pending = new List<Task<Probe>>();
        foreach (MemberInfo member in entry.Status.Members ?? [])
        {
            string id = member.NodeId ?? member.Address ?? UnknownNodeId;
            if (seen.Add(id))
            {
                pending.Add(ProbeAsync(client, id, member.Address, cancellationToken));
            }
        }

        var probes = new List<Probe> { entryProbe };
        probes.AddRange(await Task.WhenAll(pending).ConfigureAwait(false));

        // Peers without an address cannot be asked; they still belong in the picture.
        foreach (string peer in entry.Status.Peers ?? [])
        {
            if (seen.Add(peer))
            {
                probes.Add(new Probe(peer, null, null, "no HTTP address known (the node is not listed in \"members\")"));
            }
        }

        NodeStatus? leader = probes
            .Where(p => p.Reply?.Status.IsLeader == true)
            .Select(p => p.Reply!.Status)
            .OrderByDescending(s => s.CurrentTerm ?? -1)
            .FirstOrDefault();

        List<NodeReport> nodes = probes
            .Select(p => ToReport(p, leader))
            .OrderBy(n => n.NodeId, StringComparer.Ordinal)
            .ToList();
        return new StatusReport(
            RaftApiClient.Display(client.BaseAddress),
            leader?.NodeId ?? entry.Status.LeaderId,
            leader?.CurrentTerm ?? nodes.Max(n => n.Term),
            nodes);
    }

    private static async Task<Probe> ProbeAsync(RaftApiClient client, string nodeId, string? address, CancellationToken cancellationToken)
    {
        if (!RaftApiClient.TryParseAddress(address, out Uri uri, out string error))
        {
            return new Probe(nodeId, address, null, $"no usable address: {error}");
        }

        try
        {
            NodeStatusReply reply = await client.GetStatusAsync(uri, cancellationToken).ConfigureAwait(false);
            return new Probe(nodeId, RaftApiClient.Display(uri), reply, null);
        }
        catch (RaftApiException e)
        {
            return new Probe(nodeId, RaftApiClient.Display(uri), null, e.Message);
        }
    }

    private static NodeReport ToReport(Probe probe, NodeStatus? leader)
    {
        ReplicationInfo? replication = null;
        if (leader is not null && !string.Equals(leader.NodeId, probe.NodeId, StringComparison.Ordinal))
        {
            MemberInfo? seenByLeader = leader.Members?.FirstOrDefault(m => string.Equals(m.NodeId, probe.NodeId, StringComparison.Ordinal));
            if (seenByLeader is not null && (seenByLeader.MatchIndex is not null || seenByLeader.NextIndex is not null || seenByLeader.Progress is not null))
            {
                replication = new ReplicationInfo(seenByLeader.MatchIndex, seenByLeader.NextIndex, seenByLeader.Progress);
            }
        }

        NodeStatus? status = probe.Reply?.Status;
        long? lag = null;
        if (leader?.CommitIndex is long leaderCommit)
        {
            // Applied lag when the node answered; otherwise what the leader knows it has replicated.
            long? behind = status?.LastApplied ?? replication?.MatchIndex;
            lag = behind is long index ? Math.Max(0, leaderCommit - index) : null;
        }

        return new NodeReport(
            probe.NodeId,
            probe.Address,
            probe.Reply is not null,
            probe.Error,
            status?.RoleName,
            status?.CurrentTerm,
            status?.LeaderId,
            status?.CommitIndex,
            status?.LastApplied,
            status?.LogLength,
            lag,
            replication,
            probe.Reply?.Raw);
    }

    private sealed record Probe(string NodeId, string? Address, NodeStatusReply? Reply, string? Error);
}
