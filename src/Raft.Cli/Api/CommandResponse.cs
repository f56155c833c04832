using System.Text.Json.Serialization;

namespace Raft.Cli.Api;

/// <summary>
/// The body of every <c>/command</c> answer: <c>{"success":true,"result":null|"value","error":null}</c>, and on 503
/// also <c>"retry_after_ms"</c>.
/// </summary>
internal sealed record CommandResponse(
    [property: JsonPropertyName("success")] bool? Success,
    [property: JsonPropertyName("result")] string? Result,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("retry_after_ms")] long? RetryAfterMs);
