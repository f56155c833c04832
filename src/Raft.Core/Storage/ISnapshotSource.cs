namespace Raft.Core.Storage;

/// <summary>Where the bytes of a snapshot can be read from, as a stream (a file, a buffer, a network transfer already received).</summary>
public interface ISnapshotSource
{
    /// <summary>Length of the snapshot data in bytes.</summary>
    long Length { get; }

    /// <summary>Opens a new stream positioned at the start of the data; the caller disposes it.</summary>
    Stream OpenRead();
}
