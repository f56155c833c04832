using System.Text.Json;
using System.Text.Json.Serialization;

namespace Raft.Cli.Api;

/// <summary>Source-generated (reflection-free) JSON for the server's wire format.</summary>
[JsonSourceGenerationOptions(
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(KeyValueCommand))]
[JsonSerializable(typeof(CommandResponse))]
[JsonSerializable(typeof(NodeStatus))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
