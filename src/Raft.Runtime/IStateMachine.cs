namespace Raft.Runtime;

/// <summary>
/// The replicated application a node runs. Called from one thread (the host's applier), in log order, exactly once per
/// committed command of the node's lifetime (after a restart, from the last snapshot on). Reads from other threads must be
/// safe against a concurrent <see cref="Apply"/> (the host only guarantees that a linearizable read sees at least
/// everything committed before it began).
/// </summary>
public interface IStateMachine
{
    /// <summary>Applies a committed command and returns its answer to the proposer (may be null).</summary>
    object? Apply(ulong index, ReadOnlyMemory<byte> command);

    /// <summary>Writes the whole state (as of the last applied entry) to <paramref name="destination"/>.</summary>
    void WriteSnapshot(Stream destination);

    /// <summary>Replaces the whole state by the one read from <paramref name="source"/>.</summary>
    void RestoreSnapshot(Stream source);
}
