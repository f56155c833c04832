namespace Raft.Benchmarks.Core;

/// <summary>Checks after a run that the benchmark replicated for real, and prints what the cluster did.</summary>
public static class ClusterCheck
{
    /// <summary>Lets the followers catch up, then requires every state machine to hold the same commands (count and checksum).</summary>
    public static void VerifyAndReport(CoreCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        cluster.RunUntilIdle();
        var machines = cluster.StateMachines;
        var leader = machines[(int)CoreCluster.LeaderNodeId - 1];
        foreach (var machine in machines)
        {
            if (machine.Count != leader.Count || machine.Checksum != leader.Checksum || machine.AppliedIndex != leader.AppliedIndex)
            {
                throw new InvalidOperationException(
                    $"State machines diverged: {machine.Count} commands (checksum {machine.Checksum:x16}, applied {machine.AppliedIndex}) vs leader's " +
                    $"{leader.Count} (checksum {leader.Checksum:x16}, applied {leader.AppliedIndex}).");
            }
        }

        var store = cluster.Stores[(int)CoreCluster.LeaderNodeId - 1];
        Console.WriteLine(
            $"// cluster: {leader.Count:N0} commands applied on all 3 nodes (checksum {leader.Checksum:x16}); leader store holds " +
            $"[{store.FirstIndex}, {store.LastIndex}]; {cluster.Counters}");
    }
}
