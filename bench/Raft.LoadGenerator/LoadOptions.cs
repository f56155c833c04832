using System.Globalization;

namespace Raft.LoadGenerator;

internal enum TargetKind
{
    Raft,
    Etcd,
}

internal enum LoadMode
{
    Write,
    Read,
}

/// <summary>The options of a load run (<c>raft-loadgen run ...</c>).</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        raft-loadgen [run] --target raft|etcd --endpoints URL[,URL...] [options]
          --target raft|etcd     raft: POST /command JSON (write = SET, read = GET); etcd: POST /v3/kv/put, /v3/kv/range
          --endpoints LIST       comma-separated base URLs; every client sends to the first (put the leader first)
          --clients N            closed-loop clients, one keep-alive HTTP/1.1 connection each (default 1)
          --duration S           measured seconds (default 10), after --warmup
          --operations N         measure N operations instead of a duration
          --warmup S             seconds of load before measuring (default 2)
          --mode write|read      write (default) or read; read first writes --keys keys, then reads them
          --value-size B         bytes per value (default 100)
          --keys N               read mode: keys written first and read at random (default 1000);
                                 write mode: distinct keys per client, reused in a ring (default 1000)
          --timeout MS           per-request timeout (default 10000)
          --server-pids LIST     comma-separated pids whose CPU time (utime+stime) is reported per operation
          --label TEXT           a name carried into the JSON (e.g. the system name)
          --json                 print one JSON object instead of text
        raft-loadgen fsync --dir DIR [--count N]     median/p99 of a 4 KiB write + fdatasync in DIR (the fsync floor)
        raft-loadgen table --results DIR [--fsync FILE] [--title TEXT]  markdown table of DIR/*.json (ours vs etcd)
        """;

    public TargetKind Target { get; init; } = TargetKind.Raft;

    public IReadOnlyList<Uri> Endpoints { get; init; } = [];

    public int Clients { get; init; } = 1;

    public double DurationSeconds { get; init; } = 10;

    public long? Operations { get; init; }

    public double WarmupSeconds { get; init; } = 2;

    public LoadMode Mode { get; init; } = LoadMode.Write;

    public int ValueSize { get; init; } = 100;

    public int Keys { get; init; } = 1000;

    public int TimeoutMs { get; init; } = 10_000;

    public IReadOnlyList<int> ServerPids { get; init; } = [];

    public string? Label { get; init; }

    public bool Json { get; init; }

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--target" => options with
                {
                    Target = Next().ToLowerInvariant() switch
                    {
                        "raft" => TargetKind.Raft,
                        "etcd" => TargetKind.Etcd,
                        var other => throw new ArgumentException($"--target {other}: expected raft or etcd"),
                    },
                },
                "--endpoints" => options with
                {
                    Endpoints = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => new Uri(e.Contains("://", StringComparison.Ordinal) ? e : "http://" + e))],
                },
                "--clients" => options with { Clients = PositiveInt(name, Next()) },
                "--duration" => options with { DurationSeconds = PositiveDouble(name, Next()) },
                "--operations" => options with { Operations = PositiveInt(name, Next()) },
                "--warmup" => options with { WarmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--mode" => options with
                {
                    Mode = Next().ToLowerInvariant() switch
                    {
                        "write" => LoadMode.Write,
                        "read" => LoadMode.Read,
                        var other => throw new ArgumentException($"--mode {other}: expected write or read"),
                    },
                },
                "--value-size" => options with { ValueSize = PositiveInt(name, Next()) },
                "--keys" => options with { Keys = PositiveInt(name, Next()) },
                "--timeout" => options with { TimeoutMs = PositiveInt(name, Next()) },
                "--server-pids" => options with { ServerPids = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))] },
                "--label" => options with { Label = Next() },
                "--json" => options with { Json = true },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        if (options.Endpoints.Count == 0)
        {
            throw new ArgumentException("--endpoints is required");
        }

        return options;
    }

    private static int PositiveInt(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} {text}: expected a positive integer");

    private static double PositiveDouble(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} {text}: expected a positive number");
}
