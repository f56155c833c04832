using Raft.Core.Storage;

namespace Raft.Runtime.Tests;

/// <summary>How a <see cref="HostCluster"/> builds its hosts.</summary>
internal sealed class HostClusterOptions
{
    /// <summary>Makes the store of a node given its id and a directory of its own; null: a <see cref="MemoryLogStore"/>.</summary>
    public Func<ulong, string, ILogStore>? StoreFactory { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ulong SnapshotInterval { get; init; }

    public ulong SnapshotTrailingEntries { get; init; }

    public bool CheckQuorum { get; init; } = true;

    /// <summary>How many of the hosts (the first ones) are started and attached to the network; null: all.</summary>
    public int? StartCount { get; init; }

    /// <summary>Where hosts keep their files (kept afterwards); null: a temporary directory removed with the cluster.</summary>
    public string? Directory { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
