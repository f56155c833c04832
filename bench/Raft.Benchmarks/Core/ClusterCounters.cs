using System.Globalization;

namespace Raft.Benchmarks.Core;

/// <summary>What a <see cref="CoreCluster"/> did: proposals, Readies and messages, to explain a throughput figure.</summary>
public sealed class ClusterCounters
{
    public long Proposals { get; set; }

    public long ProposedEntries { get; set; }

    public long Readies { get; set; }

    public long AppendEntries { get; set; }

    public long ReplicatedEntries { get; set; }

    public long OtherMessages { get; set; }

    public long Compactions { get; set; }

    public void Reset()
    {
        Proposals = ProposedEntries = Readies = AppendEntries = ReplicatedEntries = OtherMessages = Compactions = 0;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"proposals={Proposals:N0} (avg {Ratio(ProposedEntries, Proposals):F1} entries), readies={Readies:N0}, " +
        $"AppendEntries={AppendEntries:N0} (avg {Ratio(ReplicatedEntries, AppendEntries):F1} entries), other messages={OtherMessages:N0}, compactions={Compactions:N0}");

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;
}
