using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Raft.LoadGenerator;

/// <summary>What one load run measured; written and read as JSON (the table is built from these files).</summary>
internal sealed record LoadResult
{
    public required string Label { get; init; }

    public required string Target { get; init; }

    public required string Mode { get; init; }

    public int Clients { get; init; }

    /// <summary>Which round of a benchmark run this was (from the file name; not in the JSON).</summary>
    public int Round { get; init; } = 1;

    public int ValueSize { get; init; }

    public string Endpoint { get; init; } = "";

    public double WindowSeconds { get; init; }

    public long Successes { get; init; }

    public long Errors { get; init; }

    public double Throughput { get; init; }

    public double P50Ms { get; init; }

    public double P90Ms { get; init; }

    public double P99Ms { get; init; }

    public double P999Ms { get; init; }

    public double MaxMs { get; init; }

    public double MeanMs { get; init; }

    public IReadOnlyDictionary<string, long> ErrorKinds { get; init; } = new Dictionary<string, long>();

    /// <summary>CPU seconds the server processes (--server-pids) used in the measured window, all together and each.</summary>
    public double ServerCpuSeconds { get; init; }

    public IReadOnlyList<double> ServerCpuPerNode { get; init; } = [];

    public double ServerCpuWindowSeconds { get; init; }

    /// <summary>CPU seconds this generator used in the measured window.</summary>
    public double GeneratorCpuSeconds { get; init; }

    /// <summary>Server CPU microseconds per successful operation (0 when no pids were given).</summary>
    public double ServerCpuMicrosPerOp => Successes == 0 || ServerCpuSeconds == 0 ? 0 : ServerCpuSeconds * 1e6 / (Throughput * ServerCpuWindowSeconds);

    public double GeneratorCpuMicrosPerOp => Successes == 0 ? 0 : GeneratorCpuSeconds * 1e6 / (Throughput * ServerCpuWindowSeconds);

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("label", Label);
            json.WriteString("target", Target);
            json.WriteString("mode", Mode);
            json.WriteNumber("clients", Clients);
            json.WriteNumber("value_size", ValueSize);
            json.WriteString("endpoint", Endpoint);
            json.WriteNumber("window_s", Math.Round(WindowSeconds, 3));
            json.WriteNumber("successes", Successes);
            json.WriteNumber("errors", Errors);
            json.WriteNumber("throughput", Math.Round(Throughput, 1));
            json.WriteNumber("p50_ms", P50Ms);
            json.WriteNumber("p90_ms", P90Ms);
            json.WriteNumber("p99_ms", P99Ms);
            json.WriteNumber("p999_ms", P999Ms);
            json.WriteNumber("max_ms", MaxMs);
            json.WriteNumber("mean_ms", Math.Round(MeanMs, 3));
            json.WriteNumber("server_cpu_s", Math.Round(ServerCpuSeconds, 2));
            json.WriteStartArray("server_cpu_per_node_s");
            foreach (var seconds in ServerCpuPerNode)
            {
                json.WriteNumberValue(Math.Round(seconds, 2));
            }

            json.WriteEndArray();
            json.WriteNumber("server_cpu_window_s", Math.Round(ServerCpuWindowSeconds, 3));
            json.WriteNumber("server_cpu_us_per_op", Math.Round(ServerCpuMicrosPerOp, 1));
            json.WriteNumber("generator_cpu_s", Math.Round(GeneratorCpuSeconds, 2));
            json.WriteNumber("generator_cpu_us_per_op", Math.Round(GeneratorCpuMicrosPerOp, 1));
            json.WriteStartObject("error_kinds");
            foreach (var (kind, count) in ErrorKinds)
            {
                json.WriteNumber(kind, count);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static LoadResult FromJson(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        double Number(string name) => root.TryGetProperty(name, out var element) ? element.GetDouble() : 0;
        return new LoadResult
        {
            Label = root.GetProperty("label").GetString()!,
            Target = root.GetProperty("target").GetString()!,
            Mode = root.GetProperty("mode").GetString()!,
            Clients = root.GetProperty("clients").GetInt32(),
            ValueSize = root.GetProperty("value_size").GetInt32(),
            Endpoint = root.GetProperty("endpoint").GetString() ?? "",
            WindowSeconds = Number("window_s"),
            Successes = root.GetProperty("successes").GetInt64(),
            Errors = root.GetProperty("errors").GetInt64(),
            Throughput = Number("throughput"),
            P50Ms = Number("p50_ms"),
            P90Ms = Number("p90_ms"),
            P99Ms = Number("p99_ms"),
            P999Ms = Number("p999_ms"),
            MaxMs = Number("max_ms"),
            MeanMs = Number("mean_ms"),
            ServerCpuSeconds = Number("server_cpu_s"),
            ServerCpuPerNode = root.TryGetProperty("server_cpu_per_node_s", out var nodes) ? [.. nodes.EnumerateArray().Select(n => n.GetDouble())] : [],
            ServerCpuWindowSeconds = Number("server_cpu_window_s"),
            GeneratorCpuSeconds = Number("generator_cpu_s"),
            ErrorKinds = root.TryGetProperty("error_kinds", out var kinds)
                ? kinds.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal)
                : new Dictionary<string, long>(),
        };
    }

    public string ToText()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{Label}: {Mode} with {Clients} client(s), {ValueSize}-byte values, to {Endpoint}");
        text.AppendLine(c, $"  {Successes} ok, {Errors} errors in {WindowSeconds:0.00} s: {Throughput:0} ops/s");
        text.AppendLine(c, $"  latency ms: p50 {P50Ms:0.000}  p90 {P90Ms:0.000}  p99 {P99Ms:0.000}  p99.9 {P999Ms:0.000}  max {MaxMs:0.000}  mean {MeanMs:0.000}");
        if (ServerCpuSeconds > 0)
        {
            text.AppendLine(c, $"  server CPU: {ServerCpuSeconds:0.00} s in {ServerCpuWindowSeconds:0.00} s ({string.Join(" + ", ServerCpuPerNode.Select(s => s.ToString("0.00", c)))}), {ServerCpuMicrosPerOp:0} us/op");
        }

        text.AppendLine(c, $"  generator CPU: {GeneratorCpuSeconds:0.00} s, {GeneratorCpuMicrosPerOp:0} us/op");
        foreach (var (kind, count) in ErrorKinds.OrderByDescending(k => k.Value))
        {
            text.AppendLine(c, $"  error x{count}: {kind}");
        }

        return text.ToString();
    }
}
