using System.Text.Json.Serialization;

namespace Raft.Server;

/// <summary>The seed's response shape for /command: success, result, error (and, on 503, a retry hint).</summary>
public sealed record CommandResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("error")] string? Error)
{
    [JsonPropertyName("retry_after_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RetryAfterMs { get; init; }

    public static CommandResponse Ok(string? result = null) => new(true, result, null);

    public static CommandResponse Fail(string error) => new(false, null, error);
}
