namespace Raft.Transport;

/// <summary>The listener's answer to a hello. Part of the wire format: never renumber, only add.</summary>
internal enum HandshakeStatus : byte
{
    Accepted = 0,
    UnsupportedVersion = 1,
    WrongCluster = 2,
    InvalidHello = 3,
}
