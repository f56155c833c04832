namespace Raft.Cli.Benchmarking;

/// <summary>What <c>benchmark</c> was asked to do.</summary>
internal sealed record BenchmarkSettings(int Operations, int Clients, int ValueSize, double ReadRatio)
{
    /// <summary>Keys written before the measured phase when reads are asked for, so that the first reads have something to find.</summary>
    public const int SeedKeyCount = 10;

    /// <summary>No more clients than operations: an idle client would only hold a connection.</summary>
    public int EffectiveClients => Math.Max(1, Math.Min(Clients, Operations));
}
