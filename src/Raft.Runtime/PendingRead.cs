namespace Raft.Runtime;

/// <summary>A linearizable read waiting for its read index and then for the applier to reach it.</summary>
internal sealed class PendingRead(ulong context)
{
    public ulong Context { get; } = context;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
