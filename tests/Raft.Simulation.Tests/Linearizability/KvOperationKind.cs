namespace Raft.Simulation.Tests.Linearizability;

/// <summary>The kind of a key-value client operation recorded in a history.</summary>
public enum KvOperationKind
{
    /// <summary>Writes <see cref="KvOperation.Value"/> to the key.</summary>
    Set,

    /// <summary>Makes the key absent.</summary>
    Delete,

    /// <summary>Reads the key; the value returned is <see cref="KvOperation.Observed"/>.</summary>
    Get,
}
