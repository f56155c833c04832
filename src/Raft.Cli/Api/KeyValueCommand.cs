using System.Text.Json.Serialization;

namespace Raft.Cli.Api;

/// <summary>The body of <c>POST /command</c>: <c>{"type":"SET","key":"k","value":"v"}</c>.</summary>
internal sealed record KeyValueCommand(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Value = null)
{
    public const string TypeSet = "SET";
    public const string TypeGet = "GET";
    public const string TypeDelete = "DELETE";

    public static KeyValueCommand Set(string key, string value) => new(TypeSet, key, value);

    public static KeyValueCommand Get(string key) => new(TypeGet, key);

    public static KeyValueCommand Delete(string key) => new(TypeDelete, key);
}
