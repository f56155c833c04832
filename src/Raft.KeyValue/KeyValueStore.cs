using System.Collections.Concurrent;
using System.Text;
using Raft.Runtime;

namespace Raft.KeyValue;

/// <summary>
/// The replicated key-value state machine. Writes arrive through <see cref="Apply"/> on the host's applier thread; reads
/// may come from any thread (after a read barrier for linearizable reads), hence the concurrent dictionary.
/// Snapshot format: "RKV1", entry count (i64), then per entry key and value as length-prefixed UTF-8 (BinaryWriter).
/// </summary>
public sealed class KeyValueStore : IStateMachine
{
    private static readonly byte[] Magic = "RKV1"u8.ToArray();
    private readonly ConcurrentDictionary<string, string> values = new(StringComparer.Ordinal);

    public int Count => values.Count;

    public bool TryGet(string key, out string? value)
    {
        var found = values.TryGetValue(key, out var stored);
        value = stored;
        return found;
    }

    /// <summary>Applies a SET or DELETE; a DELETE answers whether the key existed.</summary>
    public object? Apply(ulong index, ReadOnlyMemory<byte> command)
    {
        var decoded = KvCommand.Decode(command.Span);
        switch (decoded.Operation)
        {
            case KvOperation.Set:
                values[decoded.Key] = decoded.Value!;
                return null;
            default:
                return values.TryRemove(decoded.Key, out _);
        }
    }

    public void WriteSnapshot(Stream destination)
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        var entries = values.ToArray();
        writer.Write((long)entries.Length);
        foreach (var (key, value) in entries)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    public void RestoreSnapshot(Stream source)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        var magic = reader.ReadBytes(Magic.Length);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not a key-value snapshot (bad magic).");
        }

        var count = reader.ReadInt64();
        var restored = new Dictionary<string, string>(StringComparer.Ordinal);
        for (long i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            restored[key] = reader.ReadString();
        }

        values.Clear();
        foreach (var (key, value) in restored)
        {
            values[key] = value;
        }
    }
}
