namespace Raft.Simulation.Tests;

/// <summary>Counters of one run, to show that a run exercised something (and to tune the fault mix).</summary>
public sealed class SimulationStatistics
{
    public int Elections { get; set; }

    public int Crashes { get; set; }

    public int Partitions { get; set; }

    public int Pauses { get; set; }

    public int WritesAcknowledged { get; set; }

    public int WritesUnknown { get; set; }

    public int ReadsServed { get; set; }

    public int SnapshotsTaken { get; set; }

    public int SnapshotsInstalled { get; set; }

    public ulong CommitIndex { get; set; }

    public int Inconclusive { get; set; }

    public override string ToString() =>
        $"commit={CommitIndex} elections={Elections} crashes={Crashes} partitions={Partitions} pauses={Pauses} writes={WritesAcknowledged}+{WritesUnknown}? reads={ReadsServed} snapshots={SnapshotsTaken}/{SnapshotsInstalled}";
}
