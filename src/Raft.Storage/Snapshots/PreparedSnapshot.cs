using Raft.Core;

namespace Raft.Storage.Snapshots;

/// <summary>A snapshot written and synced to its temporary file, waiting to be renamed into place.</summary>
internal sealed record PreparedSnapshot(string TemporaryPath, string Path, SnapshotMetadata Metadata, long DataOffset, long DataLength, uint DataChecksum);
