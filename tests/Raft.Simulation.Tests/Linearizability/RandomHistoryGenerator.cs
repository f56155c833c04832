namespace Raft.Simulation.Tests.Linearizability;

/// <summary>
/// Test helper: produces histories that are linearizable by construction, by running concurrent clients against a
/// real sequential key-value register. Each op is invoked, later takes effect atomically at its own point in time
/// (the "linearization point"), and later still completes; a write may also lose its response (outcome unknown),
/// either after taking effect or without ever taking effect.
/// </summary>
internal static class RandomHistoryGenerator
{
    public static List<KvOperation> Generate(
        Random random,
        int operationCount,
        int keyCount,
        int clientCount,
        double unknownOutcomeProbability = 0.05,
        int? valuePoolSize = null)
    {
        var register = new Dictionary<string, string?>(StringComparer.Ordinal);
        var clients = new Pending?[clientCount];
        var history = new List<KvOperation>(operationCount);
        long time = 0;
        var invoked = 0;
        var active = 0;
        while (invoked < operationCount || active > 0)
        {
            var c = random.Next(clientCount);
            var pending = clients[c];
            if (pending is null)
            {
                if (invoked == operationCount)
                {
                    continue;
                }

                var key = "k" + random.Next(keyCount);
                var roll = random.NextDouble();
                var kind = roll < 0.45 ? KvOperationKind.Get : roll < 0.9 ? KvOperationKind.Set : KvOperationKind.Delete;
                var value = kind == KvOperationKind.Set
                    ? valuePoolSize is { } pool ? "v" + random.Next(pool) : "v" + invoked
                    : null;
                clients[c] = new Pending(invoked, kind, key, value, ++time);
                invoked++;
                active++;
            }
            else if (!pending.Applied)
            {
                if (pending.Kind != KvOperationKind.Get && random.NextDouble() < unknownOutcomeProbability / 2)
                {
                    // The request is lost before taking effect: the client never learns the outcome.
                    history.Add(pending.ToOperation(completedAt: null, observed: null));
                    clients[c] = null;
                    active--;
                    continue;
                }

                ++time; // the linearization point
                switch (pending.Kind)
                {
                    case KvOperationKind.Set:
                        register[pending.Key] = pending.Value;
                        break;
                    case KvOperationKind.Delete:
                        register.Remove(pending.Key);
                        break;
                    default:
                        pending.Observed = register.GetValueOrDefault(pending.Key);
                        break;
                }

                pending.Applied = true;
            }
            else
            {
                var lost = pending.Kind != KvOperationKind.Get && random.NextDouble() < unknownOutcomeProbability / 2;
                history.Add(pending.ToOperation(lost ? null : ++time, pending.Observed));
                clients[c] = null;
                active--;
            }
        }

        history.Sort((a, b) => a.InvokedAt.CompareTo(b.InvokedAt));
        return history;
    }

    private sealed class Pending(long id, KvOperationKind kind, string key, string? value, long invokedAt)
    {
        public KvOperationKind Kind { get; } = kind;

        public string Key { get; } = key;

        public string? Value { get; } = value;

        public bool Applied { get; set; }

        public string? Observed { get; set; }

        public KvOperation ToOperation(long? completedAt, string? observed) =>
            new(id, Kind, Key, Value, invokedAt, completedAt, observed);
    }
}
