using Raft.Simulation.Tests.Linearizability;

namespace Raft.Simulation.Tests;

/// <summary>A client operation while it is in progress; becomes a <see cref="KvOperation"/> for the linearizability check.</summary>
internal sealed class ClientOperation(long id, KvOperationKind kind, string key, string? value, long invokedAt)
{
    public long Id { get; } = id;

    public KvOperationKind Kind { get; } = kind;

    public string Key { get; } = key;

    public string? Value { get; } = value;

    public long InvokedAt { get; } = invokedAt;

    public long? CompletedAt { get; set; }

    public string? Observed { get; set; }

    /// <summary>The write did not happen (another entry was committed at its index), or the read got no answer.</summary>
    public bool Discarded { get; set; }

    /// <summary>For a write: the term of the entry it was proposed as.</summary>
    public ulong Term { get; set; }

    /// <summary>For a read: the read index once the leader confirmed it (0 until then).</summary>
    public ulong ReadIndex { get; set; }

    public KvOperation ToOperation() => new(Id, Kind, Key, Value, InvokedAt, CompletedAt, Observed);
}
