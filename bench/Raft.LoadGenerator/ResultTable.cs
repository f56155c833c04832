using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Raft.LoadGenerator;

/// <summary>
/// Builds the side-by-side markdown table from the result files of one benchmark run: ours (target raft) against etcd, per
/// workload, with the ratios and the goals. With several rounds, each figure is the median over the rounds.
/// </summary>
internal static class ResultTable
{
    private const string Ours = "ours";
    private const string Etcd = "etcd";
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static int Run(IReadOnlyList<string> args)
    {
        string? directory = null, fsync = null, title = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--results":
                    directory = args[++i];
                    break;
                case "--fsync":
                    fsync = args[++i];
                    break;
                case "--title":
                    title = args[++i];
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (directory is null)
        {
            throw new ArgumentException("--results DIR is required");
        }

        // Files are named SYSTEM-MODE-CLIENTS-rROUND.json; the round pairs the figures taken together.
        var results = Directory.GetFiles(directory, "*.json")
            .Where(f => !Path.GetFileName(f).StartsWith("fsync", StringComparison.Ordinal))
            .Select(f => LoadResult.FromJson(File.ReadAllText(f)) with { Round = RoundOf(f) })
            .ToList();
        Console.Write(Build(results, fsync is null ? null : File.ReadAllText(fsync), title));
        return 0;
    }

    private static int RoundOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var at = name.LastIndexOf("-r", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(name.AsSpan(at + 2), NumberStyles.None, C, out var round) ? round : 1;
    }

    public static string Build(IReadOnlyList<LoadResult> results, string? fsyncJson, string? title)
    {
        var text = new StringBuilder();
        text.AppendLine(C, $"## {title ?? "Cluster vs etcd"}");
        text.AppendLine();
        var rounds = results.GroupBy(r => (r.Label, r.Mode, r.Clients)).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        text.AppendLine(Inv($"3 nodes each on 127.0.0.1, fsync on, {results.FirstOrDefault()?.ValueSize ?? 100}-byte values, closed-loop HTTP/1.1 keep-alive clients sending to the leader; ") +
            Inv($"{(rounds > 1 ? $"median of {rounds} rounds; a ratio is the median of the ratios within each round, whose figures were taken seconds apart" : "one round")}. ") +
            "Reads are linearizable (ours: ReadIndex; etcd: range without serializable).");
        text.AppendLine();
        if (fsyncJson is not null)
        {
            using var fsync = JsonDocument.Parse(fsyncJson);
            var f = fsync.RootElement;
            text.AppendLine(Inv($"**Floor: fsync** (4 KiB write + fdatasync in the data directory's file system, {f.GetProperty("count").GetInt32()} samples): ") +
                Inv($"overwrite of a preallocated file p50 **{f.GetProperty("overwrite_p50_ms").GetDouble():0.000} ms**, p99 {f.GetProperty("overwrite_p99_ms").GetDouble():0.000} ms; ") +
                Inv($"append p50 {f.GetProperty("append_p50_ms").GetDouble():0.000} ms, p99 {f.GetProperty("append_p99_ms").GetDouble():0.000} ms. ") +
                "A write is durable on a quorum after at least one leader flush and one follower flush (in parallel when the leader sends before it flushes).");
            text.AppendLine();
        }

        text.AppendLine("| workload | clients | system | ops/s | p50 ms | p99 ms | p99.9 ms | errors | server CPU µs/op | ops/s ÷ etcd | p50 ÷ etcd | p99 ÷ etcd |");
        text.AppendLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var workloads = results.Select(r => (r.Mode, r.Clients)).Distinct().OrderBy(w => w.Mode == "write" ? 0 : 1).ThenBy(w => w.Clients);
        // Ours first, then any other build of ours (a baseline), then etcd.
        var systems = results.Select(r => r.Label).Distinct(StringComparer.Ordinal)
            .OrderBy(l => l == Ours ? 0 : l == Etcd ? 2 : 1).ThenBy(l => l, StringComparer.Ordinal).ToList();
        var summaries = new Dictionary<(string Mode, int Clients), (Summary? Ours, Summary? Etcd, Ratios? Ratios)>();
        foreach (var (mode, clients) in workloads)
        {
            var etcdRuns = results.Where(r => r.Label == Etcd && r.Mode == mode && r.Clients == clients).ToList();
            var ourRuns = results.Where(r => r.Label == Ours && r.Mode == mode && r.Clients == clients).ToList();
            summaries[(mode, clients)] = (Summarise(ourRuns), Summarise(etcdRuns), RatiosOf(ourRuns, etcdRuns));
            var workload = mode == "write" ? "write" : "linearizable read";
            foreach (var system in systems)
            {
                var runs = results.Where(r => r.Label == system && r.Mode == mode && r.Clients == clients).ToList();
                if (Summarise(runs) is not { } s)
                {
                    continue;
                }

                var name = system == Ours ? "**ours**" : system;
                var throughput = system == Ours ? $"**{s.Throughput.ToString("0", C)}**" : s.Throughput.ToString("0", C);
                var ratios = system == Etcd || RatiosOf(runs, etcdRuns) is not { } r
                    ? " | | |"
                    : Inv($" {r.Throughput:0.00} | {r.P50:0.00} | {r.P99:0.00} |");
                text.AppendLine(Inv($"| {workload} | {clients} | {name} | {throughput} | {s.P50:0.00} | {s.P99:0.00} | {s.P999:0.00} | {s.Errors} | {Cpu(s)} |") + ratios);
            }
        }

        text.AppendLine();
        text.AppendLine("Server CPU µs/op is the CPU time of the three server processes in the measured window divided by the operations completed (the load generator's own CPU is not included).");
        text.AppendLine();
        text.AppendLine("Goals (ratios from this run):");
        text.AppendLine();
        Goal(text, summaries, ("write", 64), s => $"64-client writes: ours/etcd throughput {s.Ratios.Throughput:0.00}x (goal >= 3x); p99 {s.Ours.P99:0.00} vs {s.Etcd.P99:0.00} ms, ratio {s.Ratios.P99:0.00} (goal < 1)",
            s => s.Ratios.Throughput >= 3 && s.Ratios.P99 < 1);
        Goal(text, summaries, ("write", 1), s => $"1-client write p50: {s.Ours.P50:0.000} vs {s.Etcd.P50:0.000} ms, ours/etcd {s.Ratios.P50:0.00} (goal <= 0.5)",
            s => s.Ratios.P50 <= 0.5);
        Goal(text, summaries, ("read", 64), s => $"64-client linearizable reads: ours/etcd throughput {s.Ratios.Throughput:0.00}x (goal >= 3x)",
            s => s.Ratios.Throughput >= 3);
        return text.ToString();
    }

    private static void Goal(
        StringBuilder text,
        Dictionary<(string, int), (Summary? Ours, Summary? Etcd, Ratios? Ratios)> summaries,
        (string, int) workload,
        Func<(Summary Ours, Summary Etcd, Ratios Ratios), string> describe,
        Func<(Summary Ours, Summary Etcd, Ratios Ratios), bool> met)
    {
        if (summaries.TryGetValue(workload, out var s) && s.Ours is not null && s.Etcd is not null && s.Ratios is not null)
        {
            var all = (s.Ours, s.Etcd, s.Ratios);
            text.AppendLine(C, $"- {describe(all)}: **{(met(all) ? "met" : "not met")}**");
        }
    }

    /// <summary>Medians over the rounds of the ratios within each round (this system's figure over etcd's).</summary>
    private static Ratios? RatiosOf(List<LoadResult> runs, List<LoadResult> etcdRuns)
    {
        var pairs = runs.Join(etcdRuns, r => r.Round, e => e.Round, (r, e) => (Run: r, Etcd: e))
            .Where(p => p.Etcd.Throughput > 0 && p.Etcd.P50Ms > 0 && p.Etcd.P99Ms > 0)
            .ToList();
        return pairs.Count == 0
            ? null
            : new Ratios(
                Median(pairs.Select(p => p.Run.Throughput / p.Etcd.Throughput)),
                Median(pairs.Select(p => p.Run.P50Ms / p.Etcd.P50Ms)),
                Median(pairs.Select(p => p.Run.P99Ms / p.Etcd.P99Ms)));
    }

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static string Cpu(Summary s) => s.CpuMicrosPerOp > 0 ? s.CpuMicrosPerOp.ToString("0", C) : "";

    private static Summary? Summarise(IEnumerable<LoadResult> runs)
    {
        var list = runs.ToList();
        if (list.Count == 0)
        {
            return null;
        }

        return new Summary(
            Median(list.Select(r => r.Throughput)),
            Median(list.Select(r => r.P50Ms)),
            Median(list.Select(r => r.P99Ms)),
            Median(list.Select(r => r.P999Ms)),
            list.Sum(r => r.Errors),
            Median(list.Select(r => r.ServerCpuMicrosPerOp)));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Ratios(double Throughput, double P50, double P99);

    private sealed record Summary(double Throughput, double P50, double P99, double P999, long Errors, double CpuMicrosPerOp);
}
