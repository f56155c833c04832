namespace Raft.Transport;

/// <summary>
/// The first byte of every frame payload. The values are part of the wire format: never renumber them, only add.
/// </summary>
internal enum FrameType : byte
{
    RequestVote = 1,
    RequestVoteResponse = 2,
    PreVote = 3,
    PreVoteResponse = 4,
    AppendEntries = 5,
    AppendEntriesResponse = 6,
    Heartbeat = 7,
    HeartbeatResponse = 8,

    /// <summary>The header of a snapshot transfer (metadata and data length); the data follows in <see cref="SnapshotChunk"/> frames.</summary>
    InstallSnapshot = 9,
    ReadIndexRequest = 10,
    ReadIndexResponse = 11,

    /// <summary>A piece of the data of the snapshot announced by the last <see cref="InstallSnapshot"/> on the connection.</summary>
    SnapshotChunk = 12,
}
