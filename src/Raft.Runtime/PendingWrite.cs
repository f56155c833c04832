namespace Raft.Runtime;

/// <summary>A proposal waiting to be applied; completes with the state machine's answer.</summary>
internal sealed class PendingWrite(ReadOnlyMemory<byte> command, long startedAt)
{
    public ReadOnlyMemory<byte> Command { get; } = command;

    public long StartedAt { get; } = startedAt;

    public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
