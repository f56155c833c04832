using System.Text;

namespace Raft.Simulation.Tests;

/// <summary>A client write as it travels through the log: "S|opId|key|value" or "D|opId|key".</summary>
public readonly record struct KvCommand(bool IsDelete, long OperationId, string Key, string? Value)
{
    public byte[] Encode() =>
        Encoding.UTF8.GetBytes(IsDelete ? $"D|{OperationId}|{Key}" : $"S|{OperationId}|{Key}|{Value}");

    public static KvCommand Decode(ReadOnlySpan<byte> data)
    {
        var parts = Encoding.UTF8.GetString(data).Split('|');
        var id = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        return parts[0] == "D" ? new KvCommand(true, id, parts[2], null) : new KvCommand(false, id, parts[2], parts[3]);
    }
}
