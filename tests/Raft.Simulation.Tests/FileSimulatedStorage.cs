using Raft.Core.Storage;
using Raft.Storage;
using Raft.Storage.Testing;

namespace Raft.Simulation.Tests;

/// <summary>
/// The real <see cref="FileLogStore"/> on a fault-injecting in-memory file system: a crash keeps only what was fsynced, or
/// (every other crash) also an arbitrary prefix of the unsynced writes, and the restart runs the store's real recovery.
/// Small segments make compaction delete whole files and recovery walk many of them.
/// </summary>
public sealed class FileSimulatedStorage(ulong nodeId, int seed) : ISimulatedStorage
{
    private readonly FaultInjectingFileSystem fileSystem = new();
    // Plain arithmetic: HashCode.Combine is randomised per process, and a seed must replay exactly.
    private readonly Random crashes = new(unchecked((seed * 1_000_003) + (int)nodeId));
    private FileLogStore? store;

    public ILogStore Open()
    {
        store = FileLogStore.Open($"/sim/node-{nodeId}", new FileLogStoreOptions
        {
            ClusterId = "simulation",
            FileSystem = fileSystem,
            // Small, preallocated segments: the log rolls often, and compaction hands segment files back for reuse, so crashes
            // land in sealing, recycling and recovery of recycled files (a few hundred rolls into recycled files per size).
            SegmentSize = 4 << 10,
            PreallocateSegments = true,
            PrepareSegmentsInBackground = false,
            EntryCacheSize = 8 << 10,
        });
        return store;
    }

    public void Crash()
    {
        fileSystem.Crash(crashes.Next(2) == 0 ? null : crashes);
        store?.Dispose();
        store = null;
    }

    public void Dispose() => store?.Dispose();
}
