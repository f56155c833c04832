using System.Net;
using System.Net.Sockets;

namespace Raft.Cluster.Tests;

/// <summary>Free TCP ports on 127.0.0.1, found by letting the OS pick (bind to port 0), reading the port and releasing it.</summary>
internal static class FreePorts
{
    /// <summary><paramref name="count"/> distinct free ports (all held until every one is chosen, so none repeats).</summary>
    public static IReadOnlyList<int> Take(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> distinct free ports p such that p + <paramref name="offset"/> is free too (the seed's
    /// RAFT_PEERS "name:port" form derives each peer port as the HTTP port + RAFT_PEER_PORT_OFFSET, 1000 by default).
    /// </summary>
    public static IReadOnlyList<int> TakeWithOffset(int count, int offset)
    {
        var held = new List<TcpListener>();
        var chosen = new List<int>();
        try
        {
            for (var attempt = 0; chosen.Count < count; attempt++)
            {
                if (attempt > 200)
                {
                    throw new InvalidOperationException($"Could not find {count} free ports p with p+{offset} free.");
                }

                var first = new TcpListener(IPAddress.Loopback, 0);
                first.Start();
                held.Add(first);
                var port = ((IPEndPoint)first.LocalEndpoint).Port;
                if (port + offset > IPEndPoint.MaxPort || chosen.Contains(port + offset) || chosen.Contains(port - offset))
                {
                    continue;
                }

                var second = new TcpListener(IPAddress.Loopback, port + offset);
                try
                {
                    second.Start();
                }
                catch (SocketException)
                {
                    continue;
                }

                held.Add(second);
                chosen.Add(port);
            }

            return chosen;
        }
        finally
        {
            foreach (var listener in held)
            {
                listener.Stop();
            }
        }
    }
}
