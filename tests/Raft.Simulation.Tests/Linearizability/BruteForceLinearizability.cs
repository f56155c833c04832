namespace Raft.Simulation.Tests.Linearizability;

/// <summary>
/// Test oracle for tiny histories: literally enumerates every subset of the unknown-outcome ops and every order of
/// the chosen ops that respects real-time order, and replays each order against a sequential register.
/// </summary>
internal static class BruteForceLinearizability
{
    public static bool IsLinearizable(IReadOnlyList<KvOperation> history) =>
        history.GroupBy(op => op.Key, StringComparer.Ordinal).All(group => IsKeyLinearizable([.. group]));

    private static bool IsKeyLinearizable(KvOperation[] ops)
    {
        var unknown = Enumerable.Range(0, ops.Length).Where(i => ops[i].CompletedAt is null).ToArray();
        for (var mask = 0; mask < 1 << unknown.Length; mask++)
        {
            var included = ops.Where((op, i) => op.CompletedAt is not null || (mask & (1 << Array.IndexOf(unknown, i))) != 0).ToArray();
            if (TryOrder(included, new bool[included.Length], 0, state: null))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryOrder(KvOperation[] ops, bool[] placed, int placedCount, string? state)
    {
        if (placedCount == ops.Length)
        {
            return true;
        }

        for (var i = 0; i < ops.Length; i++)
        {
            if (placed[i] || MustWaitForAnother(ops, placed, i))
            {
                continue;
            }

            var op = ops[i];
            string? newState;
            switch (op.Kind)
            {
                case KvOperationKind.Set:
                    newState = op.Value;
                    break;
                case KvOperationKind.Delete:
                    newState = null;
                    break;
                default:
                    if (op.Observed != state)
                    {
                        continue;
                    }

                    newState = state;
                    break;
            }

            placed[i] = true;
            var found = TryOrder(ops, placed, placedCount + 1, newState);
            placed[i] = false;
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    // Op i cannot come next if another unplaced op completed before i was invoked.
    private static bool MustWaitForAnother(KvOperation[] ops, bool[] placed, int i)
    {
        for (var j = 0; j < ops.Length; j++)
        {
            if (j != i && !placed[j] && ops[j].CompletedAt is { } completedAt && completedAt < ops[i].InvokedAt)
            {
                return true;
            }
        }

        return false;
    }
}
