namespace Raft.Storage;

/// <summary>
/// Data that was acknowledged as durable is damaged (a checksum mismatch or an impossible record before the end of the
/// log). The store refuses to start, or stops, rather than serve it: a node that forgets or alters entries it acknowledged
/// can make the cluster lose committed writes.
/// </summary>
public sealed class StorageCorruptionException : IOException
{
    public StorageCorruptionException(string filePath, long offset, string problem, string dataDirectory)
        : base(
            $"Corrupt data in {filePath} at byte offset {offset}: {problem}. This node cannot safely use its log. "
            + $"What to do: stop the node, move its data directory {dataDirectory} aside (keep it for diagnosis), remove the node from "
            + "the cluster configuration and add it back with an empty data directory so that it catches up from the leader's "
            + "snapshot. Do not delete only the damaged file, and do not restart the node on an emptied directory without removing "
            + "it from the configuration first: it could vote twice in a term.")
    {
        FilePath = filePath;
        Offset = offset;
    }

    /// <summary>The damaged file.</summary>
    public string FilePath { get; }

    /// <summary>Where in <see cref="FilePath"/> the damage starts.</summary>
    public long Offset { get; }
}
