using System.Globalization;
using System.Text;

namespace Raft.Simulation.Tests.Linearizability;

/// <summary>
/// Linearizability checker for key-value histories. Each key is an independent register (initially absent), so the
/// history is split per key (P-compositionality) and each sub-history is checked with the WGL backtracking search
/// with memoization of (linearized ops, register value); see <see cref="KeyHistorySearch"/>.
/// </summary>
/// <remarks>
/// Real-time order: A must precede B when A.CompletedAt &lt; B.InvokedAt. Ops with unknown outcome (CompletedAt null)
/// have an infinite completion time and may also never have happened. Times are expected to be distinct; on a tie, a
/// call is ordered before a return (the two ops count as concurrent).
/// </remarks>
public static class LinearizabilityChecker
{
    /// <summary>Default search budget per key, after which the result for that key is inconclusive.</summary>
    public const long DefaultMaxStepsPerKey = 5_000_000;

    /// <summary>Checks a history with the default step budget.</summary>
    public static LinearizabilityResult Check(IReadOnlyList<KvOperation> history) =>
        Check(history, DefaultMaxStepsPerKey);

    /// <summary>Checks a history, spending at most <paramref name="maxStepsPerKey"/> search steps on each key.</summary>
    public static LinearizabilityResult Check(IReadOnlyList<KvOperation> history, long maxStepsPerKey) =>
        Check(history, maxStepsPerKey, usePrefilters: true);

    /// <summary>As the public overloads; <paramref name="usePrefilters"/> false runs the bare search (for tests).</summary>
    internal static LinearizabilityResult Check(IReadOnlyList<KvOperation> history, long maxStepsPerKey, bool usePrefilters)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxStepsPerKey);

        var byKey = new Dictionary<string, List<KvOperation>>(StringComparer.Ordinal);
        foreach (var op in history)
        {
            Validate(op);
            if (!byKey.TryGetValue(op.Key, out var ops))
            {
                ops = [];
                byKey.Add(op.Key, ops);
            }

            ops.Add(op);
        }

        var keys = byKey.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);

        KeyHistorySearch.Outcome? firstFailure = null;
        string? failedKey = null;
        string? inconclusiveKey = null;
        string? inconclusiveExplanation = null;
        var otherFailures = new List<string>();
        var inconclusiveCount = 0;
        long totalSteps = 0;
        foreach (var key in keys)
        {
            var ops = byKey[key];
            ops.Sort(static (a, b) => a.InvokedAt.CompareTo(b.InvokedAt)); // List.Sort is unstable, but ties do not matter
            var outcome = KeyHistorySearch.Run(key, ops, maxStepsPerKey, usePrefilters);
            totalSteps += outcome.Steps;
            switch (outcome.Verdict)
            {
                case KeyHistorySearch.Verdict.NotLinearizable when firstFailure is null:
                    firstFailure = outcome;
                    failedKey = key;
                    break;
                case KeyHistorySearch.Verdict.NotLinearizable:
                    otherFailures.Add(key);
                    break;
                case KeyHistorySearch.Verdict.Inconclusive:
                    inconclusiveCount++;
                    inconclusiveKey ??= key;
                    inconclusiveExplanation ??= outcome.Explanation;
                    break;
                default:
                    break;
            }
        }

        if (firstFailure is { } failure)
        {
            var explanation = new StringBuilder(failure.Explanation);
            if (otherFailures.Count > 0)
            {
                explanation.AppendLine();
                explanation.Append("Other non-linearizable key(s): ").AppendJoin(", ", otherFailures.Select(k => $"'{k}'"));
            }

            if (inconclusiveCount > 0)
            {
                explanation.AppendLine();
                explanation.Append(CultureInfo.InvariantCulture, $"{inconclusiveCount} other key(s) inconclusive.");
            }

            return new LinearizabilityResult(false, failedKey, explanation.ToString());
        }

        if (inconclusiveKey is not null)
        {
            var more = inconclusiveCount > 1
                ? string.Create(CultureInfo.InvariantCulture, $" ({inconclusiveCount} key(s) inconclusive in total)")
                : string.Empty;
            return new LinearizabilityResult(true, inconclusiveKey, inconclusiveExplanation + more, Inconclusive: true);
        }

        return new LinearizabilityResult(
            true,
            null,
            string.Create(CultureInfo.InvariantCulture, $"Linearizable: {history.Count} op(s) on {keys.Length} key(s), {totalSteps} search step(s)."));
    }

    private static void Validate(KvOperation op)
    {
        if (op is null)
        {
            throw new ArgumentException("The history contains a null operation.", nameof(op));
        }

        if (op.Key is null)
        {
            throw new ArgumentException($"Operation {op.ToCompactString()} has no key.", nameof(op));
        }

        if (op.CompletedAt is { } completedAt && completedAt < op.InvokedAt)
        {
            throw new ArgumentException($"Operation {op.ToCompactString()} completes before it is invoked.", nameof(op));
        }

        if (op.Kind == KvOperationKind.Get && op.CompletedAt is null)
        {
            throw new ArgumentException($"Get {op.ToCompactString()} has no completion; leave reads without a response out of the history.", nameof(op));
        }

        if (op.Kind == KvOperationKind.Set && op.Value is null)
        {
            throw new ArgumentException($"Set {op.ToCompactString()} has a null value; use Delete to make a key absent.", nameof(op));
        }

        if (op.Kind is not (KvOperationKind.Set or KvOperationKind.Delete or KvOperationKind.Get))
        {
            throw new ArgumentException($"Operation #{op.Id} has an unknown kind {op.Kind}.", nameof(op));
        }
    }
}
