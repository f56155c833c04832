using System.Net;
using System.Net.Sockets;

namespace Raft.Cli.Tests;

/// <summary>A loopback address nothing listens on: a port the OS handed out and that was closed again.</summary>
internal static class ClosedPort
{
    public static string Address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
