using System.Net;
using System.Text.Json;

namespace Raft.Server.Tests;

/// <summary>An HTTP answer of a command endpoint: status, raw body, parsed JSON and the Retry-After header.</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body, JsonElement Json, string? RetryAfter)
{
    public int Code => (int)Status;

    public bool Success => Json.GetProperty("success").GetBoolean();

    public string? Result => Json.GetProperty("result").GetString();

    public string? Error => Json.GetProperty("error").GetString();

    public int? RetryAfterMs => Json.TryGetProperty("retry_after_ms", out var retry) ? retry.GetInt32() : null;

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"HTTP {(int)response.StatusCode}: the body is not JSON ({e.Message}): {body}");
        }

        var retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? string.Join(",", values) : null;
        var answer = new ApiResponse(response.StatusCode, body, json, retryAfter);
        answer.AssertShape();
        return answer;
    }

    /// <summary>The contract every command answer keeps: the seed's three fields, and HTTP 200 exactly when success is true.</summary>
    private void AssertShape()
    {
        Assert.True(Json.ValueKind == JsonValueKind.Object, $"HTTP {Code}: body is not an object: {Body}");
        Assert.True(Json.TryGetProperty("success", out var success) && success.ValueKind is JsonValueKind.True or JsonValueKind.False, $"no boolean 'success': {Body}");
        Assert.True(Json.TryGetProperty("result", out var result) && result.ValueKind is JsonValueKind.String or JsonValueKind.Null, $"no 'result': {Body}");
        Assert.True(Json.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.String or JsonValueKind.Null, $"no 'error': {Body}");
        Assert.True(Code == 200 == Success, $"HTTP {Code} with success={Success}: 200 must mean success and nothing else: {Body}");
        if (!Success)
        {
            Assert.False(string.IsNullOrWhiteSpace(Error), $"a failure without an error message: {Body}");
            Assert.Equal(JsonValueKind.Null, result.ValueKind);
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, error.ValueKind);
        }
    }

    public override string ToString() => $"HTTP {Code} {Body}";
}
