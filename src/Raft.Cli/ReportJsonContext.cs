using System.Text.Json.Serialization;
using Raft.Cli.Benchmarking;
using Raft.Cli.Status;

namespace Raft.Cli;

/// <summary>Source-generated JSON for what the CLI prints with <c>--json</c>: indented, nulls kept so the schema is stable.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(BenchmarkReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
