namespace Raft.Runtime;

/// <summary>
/// A proposal waiting to be applied (completes with the state machine's answer), or, when <see cref="AtCommit"/>, only to
/// be committed (completes with null).
/// </summary>
internal sealed class PendingWrite(ReadOnlyMemory<byte> command, long startedAt, bool atCommit)
{
    public ReadOnlyMemory<byte> Command { get; } = command;

    public long StartedAt { get; } = startedAt;

    public bool AtCommit { get; } = atCommit;

    public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
