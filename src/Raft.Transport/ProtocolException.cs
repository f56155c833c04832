namespace Raft.Transport;

/// <summary>
/// A peer broke the wire protocol: bad handshake, a frame that cannot be decoded, a frame larger than allowed.
/// The transport answers it by closing that one connection (and logging why); it is never allowed to escape further,
/// so a faulty or hostile peer cannot take the node down.
/// </summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException()
        : base("The peer violated the wire protocol.")
    {
    }

    public ProtocolException(string message)
        : base(message)
    {
    }

    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
