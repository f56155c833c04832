using System.Diagnostics;
using Xunit.Abstractions;

namespace Raft.Simulation.Tests.Linearizability;

public sealed class LinearizabilityCheckerTests(ITestOutputHelper output)
{
    private const string X = "x";

    [Fact]
    public void EmptyHistory_IsLinearizable()
    {
        AssertLinearizable([]);
    }

    [Fact]
    public void SequentialValidHistory_IsLinearizable()
    {
        AssertLinearizable(
        [
            Get(1, X, null, 1, 2),
            Set(2, X, "a", 3, 4),
            Get(3, X, "a", 5, 6),
            Set(4, X, "b", 7, 8),
            Get(5, X, "b", 9, 10),
            Get(6, X, "b", 11, 12),
        ]);
    }

    [Fact]
    public void ConcurrentWritesAndRead_ValidOnlyInOneOrder_IsAccepted()
    {
        // Only order: Set b, Get -> b, Set a, Get -> a.
        AssertLinearizable(
        [
            Set(1, X, "a", 1, 6),
            Set(2, X, "b", 2, 7),
            Get(3, X, "b", 3, 8),
            Get(4, X, "a", 9, 10),
        ]);
    }

    [Fact]
    public void ConcurrentWritesAndRead_WithNoValidOrder_IsRejected()
    {
        // Get -> b at [9..10] forces Set a before Set b (Set a completed at 6), so the final Get -> a is stale.
        AssertViolation(
            X,
            [
                Set(1, X, "a", 1, 6),
                Set(2, X, "b", 2, 7),
                Get(3, X, "b", 3, 8),
                Get(4, X, "b", 9, 10),
                Get(5, X, "a", 11, 12),
            ]);
    }

    [Fact]
    public void ReadConcurrentWithWrite_MaySeeEitherValue()
    {
        AssertLinearizable([Set(1, X, "a", 1, 2), Set(2, X, "b", 3, 6), Get(3, X, "a", 4, 5)]);
        AssertLinearizable([Set(1, X, "a", 1, 2), Set(2, X, "b", 3, 6), Get(3, X, "b", 4, 5)]);
    }

    [Fact]
    public void StaleRead_IsRejected()
    {
        var result = AssertViolation(X, [Set(1, X, "a", 1, 2), Set(2, X, "b", 3, 4), Get(3, X, "a", 5, 6)]);
        Assert.Contains("#3 Get(x) -> \"a\" @[5..6]", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void StaleRead_OfInitialAbsentValue_IsRejected()
    {
        AssertViolation(X, [Set(1, X, "a", 1, 2), Get(2, X, null, 3, 4)]);
    }

    [Fact]
    public void ReadOfValueNeverWritten_IsRejected()
    {
        var result = AssertViolation(X, [Set(1, X, "a", 1, 2), Get(2, X, "zzz", 3, 4)]);
        Assert.Contains("\"zzz\"", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOfValueFromSetNotYetInvoked_IsRejected()
    {
        AssertViolation(X, [Get(1, X, "a", 1, 2), Set(2, X, "a", 3, 4)]);
        AssertViolation(X, [Get(1, X, "a", 1, 2), Set(2, X, "a", 3, null)]);
    }

    [Fact]
    public void ReadOfValueFromConcurrentSet_IsAccepted()
    {
        AssertLinearizable([Get(1, X, "a", 1, 3), Set(2, X, "a", 2, 4)]);
    }

    [Fact]
    public void UnknownOutcomeWrite_ObservedLater_IsAccepted()
    {
        AssertLinearizable(
        [
            Set(1, X, "a", 1, 2),
            Set(2, X, "b", 3, null),
            Get(3, X, "a", 4, 5),
            Get(4, X, "b", 10, 11),
            Get(5, X, "b", 12, 13),
        ]);
    }

    [Fact]
    public void UnknownOutcomeWrite_NeverObserved_IsAccepted()
    {
        AssertLinearizable(
        [
            Set(1, X, "a", 1, 2),
            Set(2, X, "b", 3, null),
            Get(3, X, "a", 4, 5),
            Get(4, X, "a", 20, 21),
        ]);
    }

    [Fact]
    public void UnknownOutcomeWrite_ObservedThenOlderValueAgain_IsRejected()
    {
        AssertViolation(
            X,
            [
                Set(1, X, "a", 1, 2),
                Set(2, X, "b", 3, null),
                Get(3, X, "b", 4, 5),
                Get(4, X, "a", 6, 7),
            ]);
    }

    [Fact]
    public void UnknownOutcomeWrites_ObservedInEitherOrder_AreAccepted()
    {
        AssertLinearizable(
        [
            Set(1, X, "a", 1, null),
            Set(2, X, "b", 2, null),
            Get(3, X, "b", 3, 4),
            Get(4, X, "a", 5, 6),
        ]);
        AssertViolation(
            X,
            [
                Set(1, X, "a", 1, null),
                Set(2, X, "b", 2, null),
                Get(3, X, "b", 3, 4),
                Get(4, X, "a", 5, 6),
                Get(5, X, "b", 7, 8),
            ]);
    }

    [Fact]
    public void Delete_MakesKeyAbsent()
    {
        AssertLinearizable([Set(1, X, "a", 1, 2), Delete(2, X, 3, 4), Get(3, X, null, 5, 6)]);
        AssertViolation(X, [Set(1, X, "a", 1, 2), Delete(2, X, 3, 4), Get(3, X, "a", 5, 6)]);

        // A Get concurrent with the Delete may see either state.
        AssertLinearizable([Set(1, X, "a", 1, 2), Delete(2, X, 3, 6), Get(3, X, "a", 4, 5)]);
        AssertLinearizable([Set(1, X, "a", 1, 2), Delete(2, X, 3, 6), Get(3, X, null, 4, 5)]);

        // Set after Delete.
        AssertLinearizable([Set(1, X, "a", 1, 2), Delete(2, X, 3, 4), Set(3, X, "b", 5, 6), Get(4, X, "b", 7, 8)]);
        AssertViolation(X, [Set(1, X, "a", 1, 2), Delete(2, X, 3, 4), Set(3, X, "b", 5, 6), Get(4, X, null, 7, 8)]);
    }

    [Fact]
    public void UnknownOutcomeDelete_MayOrMayNotHaveHappened()
    {
        AssertLinearizable([Set(1, X, "a", 1, 2), Delete(2, X, 3, null), Get(3, X, "a", 4, 5), Get(4, X, null, 6, 7)]);
        AssertLinearizable([Set(1, X, "a", 1, 2), Delete(2, X, 3, null), Get(3, X, "a", 4, 5), Get(4, X, "a", 6, 7)]);
        AssertViolation(X, [Set(1, X, "a", 1, 2), Delete(2, X, 3, null), Get(3, X, null, 4, 5), Get(4, X, "a", 6, 7)]);

        // The delete is not needed to explain a read of the absent key that happened before it was invoked.
        AssertViolation(X, [Set(1, X, "a", 1, 2), Get(2, X, null, 3, 4), Delete(3, X, 5, null)]);
    }

    [Fact]
    public void DuplicateValues_AreHandledByState_NotByValueIdentity()
    {
        AssertLinearizable([Set(1, X, "a", 1, 2), Set(2, X, "b", 3, 4), Get(3, X, "b", 5, 6), Set(4, X, "a", 7, 8), Get(5, X, "a", 9, 10)]);

        // A later Set of the same value does not make a stale read valid.
        AssertViolation(X, [Set(1, X, "a", 1, 2), Set(2, X, "b", 3, 4), Get(3, X, "a", 5, 6), Set(4, X, "a", 7, 8)]);

        // Two concurrent Sets of the same value, one of them after "b".
        AssertLinearizable([Set(1, X, "a", 1, 10), Set(2, X, "a", 2, 9), Set(3, X, "b", 3, 8), Get(4, X, "a", 11, 12)]);
        AssertLinearizable([Set(1, X, "a", 1, 10), Set(2, X, "a", 2, 9), Set(3, X, "b", 3, 8), Get(4, X, "b", 11, 12)]);
        AssertViolation(X, [Set(1, X, "a", 1, 10), Set(2, X, "a", 2, 9), Set(3, X, "b", 3, 8), Get(4, X, "a", 11, 12), Get(5, X, "b", 13, 14)]);
    }

    [Fact]
    public void Keys_AreIndependent_AndViolationNamesItsKey()
    {
        // Across keys: "y" is still absent although "x" was written; and a violation on "y" only.
        AssertLinearizable([Set(1, "x", "a", 1, 2), Get(2, "y", null, 3, 4), Get(3, "x", "a", 5, 6)]);

        var result = AssertViolation(
            "y",
            [
                Set(1, "x", "a", 1, 2),
                Set(2, "y", "p", 3, 4),
                Get(3, "x", "a", 5, 6),
                Set(4, "y", "q", 7, 8),
                Set(5, "x", "b", 9, 10),
                Get(6, "y", "p", 11, 12),
                Get(7, "x", "b", 13, 14),
            ]);
        Assert.Contains("'y'", result.Explanation, StringComparison.Ordinal);
        Assert.Contains("#6 Get(y)", result.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("Get(x)", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Violation_Explanation_ListsTheFailingPrefix()
    {
        var result = AssertViolation(
            X,
            [
                Set(1, X, "a", 1, 2),
                Set(2, X, "b", 3, 4),
                Get(3, X, "a", 5, 6),
                Set(4, X, "c", 7, 8),
                Get(5, X, "c", 9, 10),
            ]);
        var lines = result.Explanation.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains(lines, line => line.StartsWith("#3 Get(x) -> \"a\" @[5..6]", StringComparison.Ordinal) && line.Contains("stuck", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("#1 Set(x, \"a\") @[1..2]", StringComparison.Ordinal));

        // The ops after the failing prefix are left out.
        Assert.DoesNotContain("#4", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void TinyBudget_ReportsInconclusive_AsLinearizable()
    {
        var history = RandomHistoryGenerator.Generate(new Random(7), operationCount: 200, keyCount: 1, clientCount: 4);

        var result = LinearizabilityChecker.Check(history, maxStepsPerKey: 10);

        Assert.True(result.IsLinearizable);
        Assert.True(result.Inconclusive);
        Assert.Equal("k0", result.Key);
        Assert.Contains("inconclusive", result.Explanation, StringComparison.Ordinal);

        var full = LinearizabilityChecker.Check(history);
        Assert.True(full.IsLinearizable, full.Explanation);
        Assert.False(full.Inconclusive);
    }

    [Fact]
    public void InvalidInput_IsRejected()
    {
        Assert.Throws<ArgumentNullException>(() => LinearizabilityChecker.Check(null!));
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([Get(1, X, null, 1, 2) with { CompletedAt = null }]));
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([Set(1, X, "a", 5, 4)]));
        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check([Set(1, X, "a", 1, 2) with { Value = null }]));
    }

    [Fact]
    public void RandomHistoriesFromRealRegister_AreAccepted_AndMutatedOnesRejected()
    {
        var random = new Random(20240611);
        var stopwatch = Stopwatch.StartNew();
        var mutatedCount = 0;
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var history = RandomHistoryGenerator.Generate(
                random,
                operationCount: random.Next(20, 300),
                keyCount: random.Next(1, 8),
                clientCount: random.Next(1, 8),
                unknownOutcomeProbability: 0.1,
                valuePoolSize: iteration % 3 == 0 ? 3 : null);
            AssertLinearizable(history);

            var gets = Enumerable.Range(0, history.Count).Where(i => history[i].Kind == KvOperationKind.Get).ToArray();
            if (gets.Length == 0)
            {
                continue;
            }

            var index = gets[random.Next(gets.Length)];
            var mutated = history.ToList();
            mutated[index] = mutated[index] with { Observed = "never-written" };
            var result = AssertViolation(mutated[index].Key, mutated);
            Assert.Contains($"#{mutated[index].Id} Get", result.Explanation, StringComparison.Ordinal);
            mutatedCount++;
        }

        Assert.True(mutatedCount > 250, $"only {mutatedCount} mutated histories");
        output.WriteLine($"300 random histories (+{mutatedCount} mutated), each checked twice: {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void RandomHistoriesFromRealRegister_WithStaleReadInjected_AreRejected()
    {
        // Mutation that stays within written values: a Get that follows, in real time, a completed Set of a fresh
        // value with no concurrent writes returns the value before that Set instead.
        var random = new Random(99);
        var rejected = 0;
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var history = RandomHistoryGenerator.Generate(random, operationCount: 60, keyCount: 2, clientCount: 1, unknownOutcomeProbability: 0);
            for (var i = 0; i + 1 < history.Count; i++)
            {
                // Single client: the history is sequential. Find Set(k, v) directly followed by a Get(k) -> v.
                var (set, get) = (history[i], history[i + 1]);
                if (set.Kind != KvOperationKind.Set || get.Kind != KvOperationKind.Get || set.Key != get.Key)
                {
                    continue;
                }

                var previous = history.Take(i).LastOrDefault(op => op.Key == set.Key && op.Kind != KvOperationKind.Get);
                var stale = previous?.Kind == KvOperationKind.Set ? previous.Value : null;
                var mutated = history.ToList();
                mutated[i + 1] = get with { Observed = stale };
                AssertViolation(get.Key, mutated);
                rejected++;
                break;
            }
        }

        Assert.True(rejected > 200, $"only {rejected} histories mutated");
    }

    [Fact]
    public void SmallRandomHistories_AgreeWithBruteForce()
    {
        var random = new Random(12345);
        string?[] pool = [null, "a", "b", "c"];
        var accepted = 0;
        var rejected = 0;
        for (var iteration = 0; iteration < 4000; iteration++)
        {
            var count = random.Next(1, 8);
            var keys = random.Next(1, 3);

            // 2 * count distinct event times, randomly assigned to invocations and completions.
            var times = Enumerable.Range(1, 2 * count).OrderBy(_ => random.Next()).ToArray();
            var history = new List<KvOperation>();
            for (var i = 0; i < count; i++)
            {
                var (invoked, completed) = (Math.Min(times[2 * i], times[(2 * i) + 1]), Math.Max(times[2 * i], times[(2 * i) + 1]));
                var key = "k" + random.Next(keys);
                var kind = (KvOperationKind)random.Next(3);
                long? completedAt = kind != KvOperationKind.Get && random.Next(4) == 0 ? null : completed;
                history.Add(kind switch
                {
                    KvOperationKind.Set => new KvOperation(i, kind, key, pool[random.Next(1, pool.Length)], invoked, completedAt),
                    KvOperationKind.Delete => new KvOperation(i, kind, key, null, invoked, completedAt),
                    _ => new KvOperation(i, kind, key, null, invoked, completedAt, pool[random.Next(pool.Length)]),
                });
            }

            var expected = BruteForceLinearizability.IsLinearizable(history);
            var result = CheckBothWays(history);
            Assert.True(
                expected == result.IsLinearizable,
                $"brute force says {expected}, checker says {result.IsLinearizable}:\n{string.Join('\n', history.Select(op => op.ToCompactString()))}\n{result.Explanation}");
            if (expected)
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }

        // Both outcomes must be well represented for the comparison to mean anything.
        Assert.True(accepted > 1000, $"accepted {accepted}");
        Assert.True(rejected > 1000, $"rejected {rejected}");
    }

    [Fact]
    public void LargeValidHistory_IsCheckedAndAccepted()
    {
        var history = RandomHistoryGenerator.Generate(new Random(4242), operationCount: 2000, keyCount: 5, clientCount: 5, unknownOutcomeProbability: 0.05);
        Assert.Contains(history, op => op.CompletedAt is null);

        var stopwatch = Stopwatch.StartNew();
        var result = LinearizabilityChecker.Check(history);
        stopwatch.Stop();

        Assert.True(result.IsLinearizable, result.Explanation);
        Assert.False(result.Inconclusive, result.Explanation);
        Assert.Null(result.Key);
        output.WriteLine($"{result.Explanation} in {stopwatch.Elapsed.TotalMilliseconds:F2} ms");

        var bare = LinearizabilityChecker.Check(history, LinearizabilityChecker.DefaultMaxStepsPerKey, usePrefilters: false);
        Assert.True(bare.IsLinearizable, bare.Explanation);
        Assert.False(bare.Inconclusive, bare.Explanation);
    }

    private static KvOperation Set(long id, string key, string value, long invokedAt, long? completedAt) =>
        new(id, KvOperationKind.Set, key, value, invokedAt, completedAt);

    private static KvOperation Delete(long id, string key, long invokedAt, long? completedAt) =>
        new(id, KvOperationKind.Delete, key, null, invokedAt, completedAt);

    private static KvOperation Get(long id, string key, string? observed, long invokedAt, long completedAt) =>
        new(id, KvOperationKind.Get, key, null, invokedAt, completedAt, observed);

    /// <summary>
    /// Checks with the public entry point and with the bare WGL search (no prefilters); both must agree, and neither
    /// may be inconclusive on these small histories.
    /// </summary>
    private static LinearizabilityResult CheckBothWays(IReadOnlyList<KvOperation> history)
    {
        var result = LinearizabilityChecker.Check(history);
        var bare = LinearizabilityChecker.Check(history, LinearizabilityChecker.DefaultMaxStepsPerKey, usePrefilters: false);
        Assert.False(result.Inconclusive, result.Explanation);
        Assert.False(bare.Inconclusive, bare.Explanation);
        Assert.True(
            result.IsLinearizable == bare.IsLinearizable && result.Key == bare.Key,
            $"with prefilters: {result.Explanation}\nwithout: {bare.Explanation}");
        return result;
    }

    private static LinearizabilityResult AssertLinearizable(IReadOnlyList<KvOperation> history)
    {
        var result = CheckBothWays(history);
        Assert.True(result.IsLinearizable, result.Explanation);
        Assert.Null(result.Key);
        return result;
    }

    private static LinearizabilityResult AssertViolation(string key, IReadOnlyList<KvOperation> history)
    {
        var result = CheckBothWays(history);
        Assert.False(result.IsLinearizable, "expected a violation, got: " + result.Explanation);
        Assert.Equal(key, result.Key);
        Assert.Contains($"'{key}'", result.Explanation, StringComparison.Ordinal);
        return result;
    }
}
