namespace Raft.KeyValue;

/// <summary>The write operations that travel through the log.</summary>
public enum KvOperation : byte
{
    Set = 1,
    Delete = 2,
}
