using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Raft.Transport.Tests;

/// <summary>A hand-driven TCP client that speaks (or breaks) the wire protocol byte by byte, to play a faulty peer.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpClient client;

    private RawPeer(TcpClient client)
    {
        this.client = client;
        Stream = client.GetStream();
    }

    public NetworkStream Stream { get; }

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endPoint)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(endPoint);
        return new RawPeer(client);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes) => Stream.WriteAsync(bytes);

    /// <summary>Sends a hello and returns the listener's reply (status, listener id).</summary>
    public async Task<(HandshakeStatus Status, ulong ListenerId)> HandshakeAsync(ulong senderId, string clusterId = TestNode.Cluster, ushort version = Handshake.ProtocolVersion)
    {
        await SendAsync(Handshake.EncodeHello(senderId, Encoding.UTF8.GetBytes(clusterId), version));
        var reply = new byte[Handshake.ReplyLength];
        await Stream.ReadExactlyAsync(reply).AsTask().WaitAsync(TestTimeouts.Event);
        var (_, status, listenerId) = Handshake.ReadReply(reply);
        return (status, listenerId);
    }

    public async Task SendFrameAsync(ReadOnlyMemory<byte> payload)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)payload.Length);
        await SendAsync(prefix);
        await SendAsync(payload);
    }

    /// <summary>Completes when the other side has closed the connection (orderly or by reset); throws if it stays open.</summary>
    public async Task WaitForCloseAsync()
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TestTimeouts.Event);
        try
        {
            while (await Stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset by the peer: closed as well.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("The transport did not close the connection.");
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
