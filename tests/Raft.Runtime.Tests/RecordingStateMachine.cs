using System.Text;

namespace Raft.Runtime.Tests;

/// <summary>
/// Records every applied command (as UTF-8 text) in order and answers a proposal with the index it was applied at.
/// Snapshots hold the whole record. Apply can be held back with <see cref="Hold"/> to make the applier lag.
/// </summary>
internal sealed class RecordingStateMachine : IStateMachine
{
    private readonly object gate = new();
    private readonly List<string> applied = [];
    private readonly ManualResetEventSlim open = new(initialState: true);
    private readonly ManualResetEventSlim snapshotsOpen = new(initialState: true);
    private readonly TaskCompletionSource snapshotStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong lastIndex;

    public Thread? ApplyingThread { get; private set; }

    public bool ApplyingThreadIsPooled { get; private set; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return applied.Count;
            }
        }
    }

    public ulong LastIndex
    {
        get
        {
            lock (gate)
            {
                return lastIndex;
            }
        }
    }

    public int RestoreCount { get; private set; }

    /// <summary>Times an entry arrived at or below an index already applied (must stay 0: apply is in log order).</summary>
    public int OrderViolations { get; private set; }

    public IReadOnlyList<string> Applied()
    {
        lock (gate)
        {
            return [.. applied];
        }
    }

    public bool Contains(string command)
    {
        lock (gate)
        {
            return applied.Contains(command);
        }
    }

    public void Hold() => open.Reset();

    public void Release() => open.Set();

    /// <summary>Makes <see cref="WriteSnapshot"/> wait (on the applier) until <see cref="ReleaseSnapshots"/>.</summary>
    public void HoldSnapshots() => snapshotsOpen.Reset();

    public void ReleaseSnapshots() => snapshotsOpen.Set();

    /// <summary>Completes when a snapshot is first started.</summary>
    public Task SnapshotStarted => snapshotStarted.Task;

    public object? Apply(ulong index, ReadOnlyMemory<byte> command)
    {
        ApplyingThread = Thread.CurrentThread;
        ApplyingThreadIsPooled = Thread.CurrentThread.IsThreadPoolThread;
        open.Wait();
        lock (gate)
        {
            if (index <= lastIndex)
            {
                OrderViolations++;
            }

            lastIndex = index;
            applied.Add(Encoding.UTF8.GetString(command.Span));
        }

        return index;
    }

    public void WriteSnapshot(Stream destination)
    {
        snapshotStarted.TrySetResult();
        snapshotsOpen.Wait();
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        lock (gate)
        {
            writer.Write(lastIndex);
            writer.Write(applied.Count);
            foreach (var command in applied)
            {
                writer.Write(command);
            }
        }
    }

    public void RestoreSnapshot(Stream source)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        lock (gate)
        {
            lastIndex = reader.ReadUInt64();
            var count = reader.ReadInt32();
            applied.Clear();
            for (var i = 0; i < count; i++)
            {
                applied.Add(reader.ReadString());
            }

            RestoreCount++;
        }
    }
}
