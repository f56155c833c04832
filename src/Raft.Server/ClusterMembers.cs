using System.Net;

namespace Raft.Server;

/// <summary>Every node of the cluster by name and id, with the addresses clients and peers use.</summary>
public sealed class ClusterMembers
{
    private readonly Dictionary<ulong, PeerAddress> byId = [];

    public ClusterMembers(ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Self = new PeerAddress(settings.NodeId, settings.BindAddress.ToString(), settings.Port, settings.PeerPort);
        SelfId = NodeIds.FromName(settings.NodeId);
        byId[SelfId] = Self;
        foreach (var peer in settings.Peers)
        {
            var id = NodeIds.FromName(peer.Name);
            if (!byId.TryAdd(id, peer))
            {
                throw new ServerConfigurationException($"Node names '{peer.Name}' and '{byId[id].Name}' map to the same id; rename one.");
            }
        }

        Peers = settings.Peers;
    }

    public PeerAddress Self { get; }

    public ulong SelfId { get; }

    public IReadOnlyList<PeerAddress> Peers { get; }

    public IEnumerable<ulong> AllIds => byId.Keys;

    /// <summary>Every member's name, sorted: what the data directory records, so that a node restarted with other peers is refused.</summary>
    public string Description => string.Join(",", byId.Values.Select(member => member.Name).Order(StringComparer.Ordinal));

    public string? NameOf(ulong id) => id == 0 ? null : byId.TryGetValue(id, out var peer) ? peer.Name : id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public PeerAddress? AddressOf(ulong id) => byId.GetValueOrDefault(id);

    /// <summary>The peer transport's view: id to peer endpoint, for every other node.</summary>
    public IReadOnlyDictionary<ulong, EndPoint> PeerEndPoints() =>
        byId.Where(pair => pair.Key != SelfId).ToDictionary(
            pair => pair.Key,
            pair => IPAddress.TryParse(pair.Value.Host, out var ip) ? (EndPoint)new IPEndPoint(ip, pair.Value.PeerPort) : new DnsEndPoint(pair.Value.Host, pair.Value.PeerPort));
}
