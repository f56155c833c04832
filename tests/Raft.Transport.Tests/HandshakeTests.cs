using System.Text;

namespace Raft.Transport.Tests;

public class HandshakeTests
{
    [Fact]
    public void Hello_round_trips()
    {
        var hello = Handshake.EncodeHello(42, "cluster-é"u8);
        Assert.Equal("RAFT"u8.ToArray(), hello[..4]);
        var (version, bodyLength) = Handshake.ReadHelloPrefix(hello);
        Assert.Equal(Handshake.ProtocolVersion, version);
        Assert.Equal(hello.Length - Handshake.HelloPrefixLength, bodyLength);
        Assert.Equal(42UL, Handshake.ReadHelloBody(hello.AsSpan(Handshake.HelloPrefixLength), out var cluster));
        Assert.Equal("cluster-é", Encoding.UTF8.GetString(cluster));
    }

    [Fact]
    public void Reply_round_trips()
    {
        var reply = Handshake.EncodeReply(HandshakeStatus.WrongCluster, 7);
        Assert.Equal(Handshake.ReplyLength, reply.Length);
        Assert.Equal((Handshake.ProtocolVersion, HandshakeStatus.WrongCluster, 7UL), Handshake.ReadReply(reply));
    }

    [Fact]
    public void Garbage_fails_on_the_magic()
    {
        var ex = Assert.Throws<ProtocolException>(() => Handshake.ReadHelloPrefix("GET / HT"u8));
        Assert.Contains("magic", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ProtocolException>(() => Handshake.ReadReply("HTTP/1.1 200 O"u8.ToArray().Append((byte)'K').ToArray()));
    }

    [Fact]
    public void A_hello_body_longer_than_the_limit_is_refused_before_it_is_read()
    {
        byte[] prefix = [.. "RAFT"u8, 1, 0, 0xFF, 0xFF];
        Assert.Throws<ProtocolException>(() => Handshake.ReadHelloPrefix(prefix));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0 })] // no cluster length
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 3, (byte)'a' })] // cluster length beyond the body
    [InlineData(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0 })] // trailing byte
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte)'a' })] // node id 0
    public void Malformed_hello_bodies_are_refused(byte[] body) =>
        Assert.Throws<ProtocolException>(() => Handshake.ReadHelloBody(body, out _));
}
