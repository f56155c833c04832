using System.Net;
using System.Net.Sockets;

namespace Raft.Transport;

/// <summary>Socket settings shared by both ends of a peer connection.</summary>
internal static class PeerSockets
{
    public static Socket Listen(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted node must get its port back even while connections of its previous life sit in TIME_WAIT.
            // (On Linux this does not let two live listeners share a port.)
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(128);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static void Configure(Socket socket)
    {
        // Raft messages are latency-sensitive and we already coalesce writes ourselves: Nagle would only add delay.
        socket.NoDelay = true;
        // Keepalive notices a peer that vanished without a FIN (host crash, cable cut) while the connection is idle,
        // instead of leaving a dead connection open for hours.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 5);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 2);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
    }
}
