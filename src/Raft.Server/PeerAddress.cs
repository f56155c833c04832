namespace Raft.Server;

/// <summary>Another node: its name, the host and HTTP port clients use, and the port its peer transport listens on.</summary>
public sealed record PeerAddress(string Name, string Host, int HttpPort, int PeerPort)
{
    public Uri HttpUri => new($"http://{Host}:{HttpPort}");

    /// <summary>
    /// Parses one entry of RAFT_PEERS: <c>name:port</c> (host 127.0.0.1, as in the seed), <c>name@host:port</c>, and
    /// optionally <c>:peerPort</c> after the HTTP port; the peer port defaults to the HTTP port + <paramref name="peerPortOffset"/>.
    /// </summary>
    public static PeerAddress Parse(string text, int peerPortOffset)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0)
        {
            throw new ServerConfigurationException($"RAFT_PEERS entry '{text}' must look like name:port, name@host:port or name@host:port:peerPort.");
        }

        var (name, host) = parts[0].Split('@') switch
        {
            [var n] => (n, "127.0.0.1"),
            [var n, var h] when n.Length > 0 && h.Length > 0 => (n, h),
            _ => throw new ServerConfigurationException($"RAFT_PEERS entry '{text}': expected name@host."),
        };
        var httpPort = ParsePort(parts[1], text);
        var peerPort = parts.Length == 3 ? ParsePort(parts[2], text) : httpPort + peerPortOffset;
        if (peerPort is < 1 or > 65535)
        {
            throw new ServerConfigurationException($"RAFT_PEERS entry '{text}': derived peer port {peerPort} is out of range; give it explicitly (name@host:port:peerPort).");
        }

        return new PeerAddress(name, host, httpPort, peerPort);
    }

    private static int ParsePort(string text, string entry) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new ServerConfigurationException($"RAFT_PEERS entry '{entry}': '{text}' is not a port (1-65535).");
}
