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

        var results = Directory.GetFiles(directory, "*.json")
            .Where(f => !Path.GetFileName(f).StartsWith("fsync", StringComparison.Ordinal))
            .Select(f => LoadResult.FromJson(File.ReadAllText(f)))
            .ToList();
        Console.Write(Build(results, fsync is null ? null : File.ReadAllText(fsync), title));
        return 0;
    }

    public static string Build(IReadOnlyList<LoadResult> results, string? fsyncJson, string? title)
    {
        var text = new StringBuilder();
        text.AppendLine(C, $"## {title ?? "Cluster vs etcd"}");
        text.AppendLine();
        var rounds = results.GroupBy(r => (r.Label, r.Mode, r.Clients)).Select(g => g.Count()).DefaultIfEmpty(0).Max();
        text.AppendLine(Inv($"3 nodes each on 127.0.0.1, fsync on, {results.FirstOrDefault()?.ValueSize ?? 100}-byte values, closed-loop HTTP/1.1 keep-alive clients sending to the leader; ") +
            Inv($"{(rounds > 1 ? $"median of {rounds} rounds" : "one round")}. Reads are linearizable (ours: ReadIndex; etcd: range without serializable)."));
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
        var summaries = new Dictionary<(string Mode, int Clients), (Summary? Ours, Summary? Etcd)>();
        foreach (var (mode, clients) in workloads)
        {
            var etcd = Summarise(results.Where(r => r.Label == Etcd && r.Mode == mode && r.Clients == clients));
            summaries[(mode, clients)] = (Summarise(results.Where(r => r.Label == Ours && r.Mode == mode && r.Clients == clients)), etcd);
            var workload = mode == "write" ? "write" : "linearizable read";
            foreach (var system in systems)
            {
                if (Summarise(results.Where(r => r.Label == system && r.Mode == mode && r.Clients == clients)) is not { } s)
                {
                    continue;
                }

                var name = system == Ours ? "**ours**" : system;
                var throughput = system == Ours ? $"**{s.Throughput.ToString("0", C)}**" : s.Throughput.ToString("0", C);
                var ratios = system == Etcd ? " | |" : Inv($" {Ratio(s.Throughput, etcd?.Throughput)} | {Ratio(s.P50, etcd?.P50)} | {Ratio(s.P99, etcd?.P99)}");
                text.AppendLine(Inv($"| {workload} | {clients} | {name} | {throughput} | {s.P50:0.00} | {s.P99:0.00} | {s.P999:0.00} | {s.Errors} | {Cpu(s)} |") + ratios + " |");
            }
        }

        text.AppendLine();
        text.AppendLine("Server CPU µs/op is the CPU time of the three server processes in the measured window divided by the operations completed (the load generator's own CPU is not included).");
        text.AppendLine();
        text.AppendLine("Goals (ratios from this run):");
        text.AppendLine();
        Goal(text, summaries, ("write", 64), s => $"64-client writes: ours/etcd throughput {s.Ours.Throughput / s.Etcd.Throughput:0.00}x (goal >= 3x); p99 {s.Ours.P99:0.00} vs {s.Etcd.P99:0.00} ms (goal: lower)",
            s => s.Ours.Throughput >= 3 * s.Etcd.Throughput && s.Ours.P99 < s.Etcd.P99);
        Goal(text, summaries, ("write", 1), s => $"1-client write p50: {s.Ours.P50:0.000} vs {s.Etcd.P50:0.000} ms, ours/etcd {s.Ours.P50 / s.Etcd.P50:0.00} (goal <= 0.5)",
            s => s.Ours.P50 <= 0.5 * s.Etcd.P50);
        Goal(text, summaries, ("read", 64), s => $"64-client linearizable reads: ours/etcd throughput {s.Ours.Throughput / s.Etcd.Throughput:0.00}x (goal >= 3x)",
            s => s.Ours.Throughput >= 3 * s.Etcd.Throughput);
        return text.ToString();
    }

    private static void Goal(
        StringBuilder text,
        Dictionary<(string, int), (Summary? Ours, Summary? Etcd)> summaries,
        (string, int) workload,
        Func<(Summary Ours, Summary Etcd), string> describe,
        Func<(Summary Ours, Summary Etcd), bool> met)
    {
        if (summaries.TryGetValue(workload, out var s) && s.Ours is not null && s.Etcd is not null && s.Etcd.Throughput > 0)
        {
            var pair = (s.Ours, s.Etcd);
            text.AppendLine(C, $"- {describe(pair)}: **{(met(pair) ? "met" : "not met")}**");
        }
    }

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static string Cpu(Summary s) => s.CpuMicrosPerOp > 0 ? s.CpuMicrosPerOp.ToString("0", C) : "";

    private static string Ratio(double ours, double? etcd) => etcd is > 0 ? (ours / etcd.Value).ToString("0.00", C) : "";

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

    private sealed record Summary(double Throughput, double P50, double P99, double P999, long Errors, double CpuMicrosPerOp);
}
