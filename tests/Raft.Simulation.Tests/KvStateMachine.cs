using System.Text;
using Raft.Core;

namespace Raft.Simulation.Tests;

/// <summary>The simulated nodes' state machine: a dictionary, with a snapshot format of "key=value" lines.</summary>
public sealed class KvStateMachine
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public ulong AppliedIndex { get; private set; }

    public string? Get(string key) => values.GetValueOrDefault(key);

    public void Apply(in LogEntry entry)
    {
        if (entry.Index != AppliedIndex + 1)
        {
            throw new InvalidOperationException($"Applying index {entry.Index} after {AppliedIndex}: entries must be applied in order, once.");
        }

        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Command)
        {
            return;
        }

        var command = KvCommand.Decode(entry.Data.Span);
        if (command.IsDelete)
        {
            values.Remove(command.Key);
        }
        else
        {
            values[command.Key] = command.Value!;
        }
    }

    public byte[] TakeSnapshot()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public void Restore(ulong index, Stream data)
    {
        values.Clear();
        using var reader = new StreamReader(data, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            var split = line.IndexOf('=', StringComparison.Ordinal);
            values[line[..split]] = line[(split + 1)..];
        }

        AppliedIndex = index;
    }
}
