namespace Raft.Storage;

/// <summary>The data directory belongs to another cluster, has an unknown format version, or is not a data directory at all.</summary>
public sealed class IncompatibleDataDirectoryException(string message) : IOException(message);
