using System.Net;
using System.Net.Sockets;

namespace Raft.Server.Tests;

/// <summary>Loopback ports the OS reports free: bind port 0, read the port, release it. Never hands out a port twice.</summary>
internal static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    public static int Next()
    {
        lock (Given)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
