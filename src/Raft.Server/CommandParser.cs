using System.Text;
using System.Text.Json;

namespace Raft.Server;

/// <summary>Validates a /command body. Every problem becomes a 4xx with a message that says what was wrong.</summary>
public static class CommandParser
{
    public static (KvRequest? Request, int Status, string? Error) Parse(JsonDocument document, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(settings);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, 400, "the body must be a JSON object like {\"type\":\"SET\",\"key\":\"k\",\"value\":\"v\"}");
        }

        if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return (null, 400, "missing \"type\": expected SET, GET or DELETE");
        }

        var type = typeElement.GetString()!.ToUpperInvariant();
        if (type is not ("SET" or "GET" or "DELETE"))
        {
            return (null, 400, $"unknown command type '{typeElement.GetString()}': expected SET, GET or DELETE");
        }

        if (!root.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String || keyElement.GetString()!.Length == 0)
        {
            return (null, 400, "missing \"key\": a non-empty string is required");
        }

        var key = keyElement.GetString()!;
        string? value = null;
        if (type == "SET")
        {
            if (!root.TryGetProperty("value", out var valueElement) || valueElement.ValueKind != JsonValueKind.String)
            {
                return (null, 400, "missing \"value\": SET needs a string value");
            }

            value = valueElement.GetString()!;
        }

        return Validate(new KvRequest(type, key, value), settings);
    }

    public static (KvRequest? Request, int Status, string? Error) Validate(KvRequest request, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        var keyBytes = Encoding.UTF8.GetByteCount(request.Key);
        if (keyBytes > settings.MaxKeyBytes)
        {
            return (null, 413, $"key is {keyBytes} bytes; the limit is {settings.MaxKeyBytes} (RAFT_MAX_KEY_BYTES)");
        }

        if (request.Value is { } value && Encoding.UTF8.GetByteCount(value) is var valueBytes && valueBytes > settings.MaxValueBytes)
        {
            return (null, 413, $"value is {valueBytes} bytes; the limit is {settings.MaxValueBytes} (RAFT_MAX_VALUE_BYTES)");
        }

        return (request, 200, null);
    }
}
