using System.Globalization;
using System.Text;

namespace Raft.Simulation.Tests.Linearizability;

/// <summary>
/// Checks the sub-history of a single key (an independent register) with the Wing &amp; Gong / Lowe (WGL) search:
/// the ops become an ordered list of call and return events; the search repeatedly linearizes a pending op whose
/// call it reaches, and backtracks when it reaches the return of an op it has not linearized yet. Configurations
/// (set of linearized ops, register value) already explored are cached, so each is expanded at most once.
/// Ops with unknown outcome have no return event, so they never force anything; they are linearized "just in time",
/// only immediately before a Get that needs their value, and once every op with a known outcome is linearized the
/// search succeeds (the ones still pending never happened). A pending Get that returns the current value is always
/// linearized at once, without trying alternatives (doing so never loses a solution), which removes the interleavings
/// of concurrent reads.
/// </summary>
internal static class KeyHistorySearch
{
    private const int MaxListedOps = 200;

    internal enum Verdict
    {
        Linearizable,
        NotLinearizable,
        Inconclusive,
    }

    /// <summary>The verdict for one key, the search steps spent, and (unless linearizable) an explanation.</summary>
    internal readonly record struct Outcome(Verdict Verdict, long Steps, string Explanation);

    /// <summary>Checks the ops of one key.</summary>
    /// <param name="key">The key, for explanations.</param>
    /// <param name="ops">All ops of the key, sorted by invocation time.</param>
    /// <param name="maxSteps">Search budget; exceeding it gives <see cref="Verdict.Inconclusive"/>.</param>
    /// <param name="usePrefilters">
    /// Whether to apply the cheap, sound shortcuts before searching: reject reads of values that no Set invoked early
    /// enough wrote, and drop unknown-outcome writes whose effect nobody could have observed. Only tests turn this off.
    /// </param>
    public static Outcome Run(string key, IReadOnlyList<KvOperation> ops, long maxSteps, bool usePrefilters)
    {
        var searched = new List<int>(ops.Count);
        if (usePrefilters)
        {
            var impossibleRead = FindImpossibleRead(ops);
            if (impossibleRead >= 0)
            {
                var get = ops[impossibleRead];
                var header = string.Create(
                    CultureInfo.InvariantCulture,
                    $"Key '{key}' is not linearizable: {get.ToCompactString()} observed a value that no Set of this key invoked by t={get.CompletedAt} wrote.");
                return new Outcome(Verdict.NotLinearizable, 0, Explain(header, "Ops invoked", ops, impossibleRead, get.CompletedAt!.Value));
            }

            AddObservableOps(ops, searched);
        }
        else
        {
            for (var i = 0; i < ops.Count; i++)
            {
                searched.Add(i);
            }
        }

        return Search(key, ops, searched, maxSteps);
    }

    /// <summary>
    /// Index of a Get that observed a value which no Set invoked before the Get completed wrote (so it can never be
    /// linearized), or -1.
    /// </summary>
    private static int FindImpossibleRead(IReadOnlyList<KvOperation> ops)
    {
        var firstWrite = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            if (op.Kind == KvOperationKind.Set && !firstWrite.ContainsKey(op.Value!))
            {
                // ops are sorted by invocation, so the first Set seen for a value is the earliest.
                firstWrite.Add(op.Value!, op.InvokedAt);
            }
        }

        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.Kind == KvOperationKind.Get && op.Observed is not null
                && (!firstWrite.TryGetValue(op.Observed, out var invokedAt) || invokedAt > op.CompletedAt!.Value))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Adds the indexes of all ops except unknown-outcome writes whose effect no Get could have observed. Such a
    /// write can always be dropped: in any linearization, the ops between it and the next write are Gets linearized
    /// after it (so completing after its invocation) that return its value, and there are none.
    /// </summary>
    private static void AddObservableOps(IReadOnlyList<KvOperation> ops, List<int> into)
    {
        var lastRead = new Dictionary<string, long>(StringComparer.Ordinal);
        var lastAbsentRead = long.MinValue;
        foreach (var op in ops)
        {
            if (op.Kind != KvOperationKind.Get)
            {
                continue;
            }

            var completedAt = op.CompletedAt!.Value;
            if (op.Observed is null)
            {
                lastAbsentRead = Math.Max(lastAbsentRead, completedAt);
            }
            else if (!lastRead.TryGetValue(op.Observed, out var previous) || previous < completedAt)
            {
                lastRead[op.Observed] = completedAt;
            }
        }

        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.CompletedAt is null && op.Kind != KvOperationKind.Get)
            {
                var lastObservation = op.Kind == KvOperationKind.Delete
                    ? lastAbsentRead
                    : lastRead.GetValueOrDefault(op.Value!, long.MinValue);

                // On equal times a call is ordered before a return, so a Get completing at op's invocation is concurrent.
                if (lastObservation < op.InvokedAt)
                {
                    continue;
                }
            }

            into.Add(i);
        }
    }

    private static Outcome Search(string key, IReadOnlyList<KvOperation> allOps, List<int> searched, long maxSteps)
    {
        var n = searched.Count;

        // Register values as small integers; 0 is "absent".
        var valueIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var isGet = new bool[n];
        var isUnknown = new bool[n];
        var argument = new int[n];
        var knownCount = 0;
        for (var i = 0; i < n; i++)
        {
            var op = allOps[searched[i]];
            isGet[i] = op.Kind == KvOperationKind.Get;
            isUnknown[i] = op.CompletedAt is null;
            var value = op.Kind switch
            {
                KvOperationKind.Set => op.Value,
                KvOperationKind.Get => op.Observed,
                _ => null,
            };
            argument[i] = value is null ? 0 : ValueId(valueIds, value);
            if (!isUnknown[i])
            {
                knownCount++;
            }
        }

        // Events 1..eventCount in time order (a call before a return on equal times); 0 is the list's sentinel head.
        // Only the calls and returns of ops with a known outcome are linked into the list; unknown-outcome ops just
        // keep the position of their call, which tells whether they are invoked at a given point of the scan.
        var eventCount = n + knownCount;
        var events = new (long Time, int IsReturn, int Op)[eventCount];
        var e = 0;
        for (var i = 0; i < n; i++)
        {
            var op = allOps[searched[i]];
            events[e++] = (op.InvokedAt, 0, i);
            if (op.CompletedAt is { } completedAt)
            {
                events[e++] = (completedAt, 1, i);
            }
        }

        Array.Sort(events, static (a, b) =>
        {
            var byTime = a.Time.CompareTo(b.Time);
            if (byTime != 0)
            {
                return byTime;
            }

            var byType = a.IsReturn.CompareTo(b.IsReturn);
            return byType != 0 ? byType : a.Op.CompareTo(b.Op);
        });

        var eventOp = new int[eventCount + 1];
        var eventIsReturn = new bool[eventCount + 1];
        var next = new int[eventCount + 1];
        var prev = new int[eventCount + 1];
        var callEvent = new int[n];
        var returnEvent = new int[n];
        var unknownWriters = new List<int>?[valueIds.Count + 1];
        var last = 0;
        for (var i = 0; i < eventCount; i++)
        {
            var (_, isReturn, op) = events[i];
            var index = i + 1;
            eventOp[index] = op;
            eventIsReturn[index] = isReturn != 0;
            if (isReturn != 0)
            {
                returnEvent[op] = index;
            }
            else
            {
                callEvent[op] = index;
            }

            if (isUnknown[op])
            {
                // Unknown-outcome Gets are rejected up front, so this is a Set or Delete; listed by invocation.
                (unknownWriters[argument[op]] ??= []).Add(op);
                continue;
            }

            next[last] = index;
            prev[index] = last;
            last = index;
        }

        next[last] = 0;
        prev[0] = last;

        var zobrist = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            zobrist[i] = SplitMix64((ulong)i);
        }

        var linearized = new ulong[(n + 63) / 64];
        ulong linearizedHash = 0;
        var cache = new HashSet<CacheKey>();
        var stackOp = new int[knownCount];
        var stackPartner = new int[knownCount];
        var stackState = new int[knownCount];
        var stackForced = new bool[knownCount];
        var depth = 0;
        var state = 0;
        var furthestReturn = 0;
        long steps = 0;
        var entry = 0;
        var fresh = true; // at a configuration not examined yet
        while (depth < knownCount)
        {
            if (++steps > maxSteps)
            {
                var message = string.Create(
                    CultureInfo.InvariantCulture,
                    $"Key '{key}': inconclusive, the search exceeded its budget of {maxSteps} steps on {n} op(s) ({n - knownCount} with unknown outcome); counted as linearizable.");
                return new Outcome(Verdict.Inconclusive, maxSteps, message);
            }

            int op;
            var partner = -1;
            var forced = false;
            if (fresh)
            {
                // A pending Get that returns the current value can always be linearized first: it changes nothing and
                // only lifts constraints. So when there is one, it is the only move worth trying here.
                fresh = false;
                op = -1;
                for (var scan = next[0]; scan != 0 && !eventIsReturn[scan]; scan = next[scan])
                {
                    steps++;
                    if (isGet[eventOp[scan]] && argument[eventOp[scan]] == state)
                    {
                        op = eventOp[scan];
                        break;
                    }
                }

                if (op < 0)
                {
                    entry = next[0];
                    continue;
                }

                forced = true;
            }
            else
            {
                if (entry == 0)
                {
                    // The scan never passes a return event, and an op with a known outcome is still pending.
                    throw new InvalidOperationException("Linearizability search invariant broken: reached the end of the event list.");
                }

                op = eventOp[entry];
                if (eventIsReturn[entry])
                {
                    // op must be linearized before its return, but no remaining choice here does that: backtrack.
                    furthestReturn = Math.Max(furthestReturn, entry);
                    if (!Backtrack())
                    {
                        return Failure();
                    }

                    continue;
                }

                if (isGet[op] && argument[op] != state)
                {
                    // An unknown-outcome write is only ever linearized right before a Get that returns its value and
                    // that would fail without it: any linearization can be reduced to that form by dropping the
                    // unknown-outcome writes that do not qualify.
                    partner = FindUnknownWriter(unknownWriters[argument[op]], entry, linearized, callEvent, eventIsReturn, next);
                    if (partner < 0)
                    {
                        entry = next[entry];
                        continue;
                    }
                }
            }

            var newState = isGet[op] && partner < 0 ? state : argument[op];
            var newHash = linearizedHash ^ zobrist[op];
            linearized[op >> 6] |= 1UL << op;
            if (partner >= 0)
            {
                newHash ^= zobrist[partner];
                linearized[partner >> 6] |= 1UL << partner;
            }

            if (!cache.Contains(new CacheKey(linearized, newState, newHash)))
            {
                // The probe above shares the live bitset; the cached key gets its own copy.
                cache.Add(new CacheKey((ulong[])linearized.Clone(), newState, newHash));
                linearizedHash = newHash;
                stackOp[depth] = op;
                stackPartner[depth] = partner;
                stackState[depth] = state;
                stackForced[depth] = forced;
                depth++;
                state = newState;
                Lift(callEvent[op], next, prev);
                Lift(returnEvent[op], next, prev);
                fresh = true;
                continue;
            }

            // Already explored from another path, without success (a success ends the search).
            linearized[op >> 6] &= ~(1UL << op);
            if (partner >= 0)
            {
                linearized[partner >> 6] &= ~(1UL << partner);
            }

            if (!forced)
            {
                entry = next[entry];
            }
            else if (!Backtrack())
            {
                return Failure();
            }
        }

        return new Outcome(Verdict.Linearizable, steps, string.Empty);

        // Undoes the last free choice (and the forced moves after it) and resumes the scan after the op it chose.
        // False when there is no choice left: the history is not linearizable.
        bool Backtrack()
        {
            while (depth > 0)
            {
                depth--;
                var undone = stackOp[depth];
                var undonePartner = stackPartner[depth];
                state = stackState[depth];
                linearized[undone >> 6] &= ~(1UL << undone);
                linearizedHash ^= zobrist[undone];
                if (undonePartner >= 0)
                {
                    linearized[undonePartner >> 6] &= ~(1UL << undonePartner);
                    linearizedHash ^= zobrist[undonePartner];
                }

                // Dancing links: undo the lifts in reverse order (lifts and unlifts follow a stack discipline).
                Unlift(returnEvent[undone], next, prev);
                Unlift(callEvent[undone], next, prev);
                if (!stackForced[depth])
                {
                    entry = next[callEvent[undone]];
                    return true;
                }
            }

            return false;
        }

        Outcome Failure()
        {
            if (furthestReturn == 0)
            {
                var message = string.Create(CultureInfo.InvariantCulture, $"Key '{key}' is not linearizable ({steps} search steps).");
                return new Outcome(Verdict.NotLinearizable, steps, Explain(message, "Ops invoked", allOps, -1, long.MaxValue));
            }

            var stuckIndex = searched[eventOp[furthestReturn]];
            var stuck = allOps[stuckIndex];
            var header = string.Create(
                CultureInfo.InvariantCulture,
                $"Key '{key}' is not linearizable: no linearization gets past the completion of {stuck.ToCompactString()} ({steps} search steps).");
            return new Outcome(Verdict.NotLinearizable, steps, Explain(header, "Shortest failing prefix: ops invoked", allOps, stuckIndex, stuck.CompletedAt!.Value));
        }
    }

    /// <summary>
    /// The first not yet linearized unknown-outcome writer of the wanted value that is invoked before the first
    /// return event still in the list (so it may be linearized now), or -1. Such writers have no completion and the
    /// same effect, so they are interchangeable and trying the first one is enough.
    /// </summary>
    private static int FindUnknownWriter(List<int>? writers, int entry, ulong[] linearized, int[] callEvent, bool[] eventIsReturn, int[] next)
    {
        if (writers is null)
        {
            return -1;
        }

        foreach (var writer in writers)
        {
            if ((linearized[writer >> 6] & (1UL << writer)) != 0)
            {
                continue;
            }

            // Entries before the current one are all calls; find the first return from here.
            var firstReturn = entry;
            while (firstReturn != 0 && !eventIsReturn[firstReturn])
            {
                firstReturn = next[firstReturn];
            }

            return firstReturn == 0 || callEvent[writer] < firstReturn ? writer : -1;
        }

        return -1;
    }

    private static void Lift(int index, int[] next, int[] prev)
    {
        next[prev[index]] = next[index];
        prev[next[index]] = prev[index];
    }

    private static void Unlift(int index, int[] next, int[] prev)
    {
        next[prev[index]] = index;
        prev[next[index]] = index;
    }

    private static int ValueId(Dictionary<string, int> valueIds, string value)
    {
        if (!valueIds.TryGetValue(value, out var id))
        {
            id = valueIds.Count + 1;
            valueIds.Add(value, id);
        }

        return id;
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>
    /// The header, then the ops (sorted by invocation) invoked up to <paramref name="until"/>, one per line, with
    /// <paramref name="highlight"/> marked. Long lists keep only the latest ops.
    /// </summary>
    private static string Explain(string header, string listTitle, IReadOnlyList<KvOperation> ops, int highlight, long until)
    {
        var count = 0;
        while (count < ops.Count && ops[count].InvokedAt <= until)
        {
            count++;
        }

        var text = new StringBuilder(header);
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"{listTitle} up to t={until} ({count} of {ops.Count} op(s) of this key), by invocation:");
        var first = Math.Max(0, count - MaxListedOps);
        if (first > 0)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"  ... {first} earlier op(s) omitted");
        }

        for (var i = first; i < count; i++)
        {
            text.AppendLine();
            text.Append("  ").Append(ops[i].ToCompactString());
            if (i == highlight)
            {
                text.Append("   <== stuck here");
            }
        }

        return text.ToString();
    }

    /// <summary>A search configuration: the set of linearized ops (bitset) and the register value.</summary>
    private readonly struct CacheKey(ulong[] bits, int state, ulong hash) : IEquatable<CacheKey>
    {
        private readonly ulong[] bits = bits;
        private readonly int state = state;
        private readonly ulong hash = hash;

        public bool Equals(CacheKey other) =>
            hash == other.hash && state == other.state && bits.AsSpan().SequenceEqual(other.bits);

        public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

        public override int GetHashCode()
        {
            var mixed = hash ^ ((ulong)(uint)state * 0x9E3779B97F4A7C15UL);
            return (int)(mixed ^ (mixed >> 32));
        }
    }
}
