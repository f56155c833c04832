using System.Net;
using System.Net.Sockets;

namespace Raft.Transport.Tests;

/// <summary>
/// A "peer" on 127.0.0.1 that accepts connections and then stops reading: optionally it first answers the handshake (a
/// follower that is alive but never consumes), otherwise it never answers at all (a peer hung mid-handshake).
/// </summary>
internal sealed class StuckPeer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> accepted = [];
    private readonly Task acceptLoop;
    private readonly CancellationTokenSource stop = new();
    private readonly TaskCompletionSource<Socket> firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StuckPeer(ulong id, bool answerHandshake)
    {
        listener.Start();
        acceptLoop = AcceptLoopAsync(id, answerHandshake);
    }

    public IPEndPoint EndPoint => (IPEndPoint)listener.LocalEndpoint;

    /// <summary>The first connection accepted (after its handshake, if answered).</summary>
    public Task<Socket> FirstConnection => firstConnection.Task;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        lock (accepted)
        {
            foreach (var socket in accepted)
            {
                socket.Dispose();
            }
        }

        stop.Dispose();
    }

    private async Task AcceptLoopAsync(ulong id, bool answerHandshake)
    {
        while (!stop.IsCancellationRequested)
        {
            var socket = await listener.AcceptSocketAsync(stop.Token);
            lock (accepted)
            {
                accepted.Add(socket);
            }

            if (answerHandshake)
            {
                var prefix = await ReceiveExactlyAsync(socket, Handshake.HelloPrefixLength);
                var (_, bodyLength) = Handshake.ReadHelloPrefix(prefix);
                await ReceiveExactlyAsync(socket, bodyLength);
                await socket.SendAsync(Handshake.EncodeReply(HandshakeStatus.Accepted, id), stop.Token);
            }

            firstConnection.TrySetResult(socket);
        }
    }

    private async Task<byte[]> ReceiveExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), stop.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }

        return buffer;
    }
}
