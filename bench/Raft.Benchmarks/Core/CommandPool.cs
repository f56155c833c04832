namespace Raft.Benchmarks.Core;

/// <summary>
/// Preallocated commands of a fixed size, handed out in a ring, so that a benchmark measures the replication path and not
/// the allocation of payloads. Every command is a slice of one array; each carries its ring position in its first bytes.
/// </summary>
public sealed class CommandPool
{
    private readonly ReadOnlyMemory<byte>[] commands;
    private readonly int mask;

    public CommandPool(int count, int commandSize)
    {
        if (count <= 0 || (count & (count - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The pool size must be a power of two.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(commandSize, sizeof(long));
        var buffer = new byte[count * commandSize];
        Random.Shared.NextBytes(buffer);
        commands = new ReadOnlyMemory<byte>[count];
        mask = count - 1;
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(buffer.AsSpan(i * commandSize, sizeof(long)), (long)i);
            commands[i] = new ReadOnlyMemory<byte>(buffer, i * commandSize, commandSize);
        }
    }

    public int Count => commands.Length;

    public int CommandSize => commands[0].Length;

    /// <summary>The command at ring position <paramref name="sequence"/> (wraps around).</summary>
    public ReadOnlyMemory<byte> this[long sequence] => commands[(int)(sequence & mask)];

    /// <summary>Copies <paramref name="into"/>.Length consecutive commands starting at ring position <paramref name="sequence"/>.</summary>
    public void Fill(long sequence, Span<ReadOnlyMemory<byte>> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = commands[(int)((sequence + i) & mask)];
        }
    }
}
