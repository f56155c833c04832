using Raft.Core.Storage;

namespace Raft.Transport;

/// <summary>
/// Stands for the data of a snapshot whose InstallSnapshot header has been decoded but whose bytes are still on the wire
/// (they follow in chunk frames). Only the announced length is known; the transport replaces it with a
/// <see cref="FileSnapshotSource"/> once every chunk has been spooled, so a consumer of <see cref="PeerTransport"/> never sees it.
/// </summary>
internal sealed class AnnouncedSnapshotSource(long length) : ISnapshotSource
{
    public long Length { get; } = length;

    public Stream OpenRead() =>
        throw new InvalidOperationException("The snapshot data has not been received yet: it follows the header in chunk frames.");
}
