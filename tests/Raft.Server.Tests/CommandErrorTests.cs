using System.Net;
using System.Text;

namespace Raft.Server.Tests;

public sealed class CommandErrorTests : ServerTestBase
{
    private const int MaxKeyBytes = 16;
    private const int MaxValueBytes = 64;
    private const int MaxBodyBytes = 1024;

    private Task<ServerNode> StartLimitedNodeAsync() => StartSingleNodeAsync(settings =>
    {
        settings["RAFT_MAX_KEY_BYTES"] = MaxKeyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RAFT_MAX_VALUE_BYTES"] = MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RAFT_MAX_BODY_BYTES"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
    });

    [Fact]
    public async Task Malformed_json_is_400()
    {
        var node = await StartLimitedNodeAsync();
        string[] bodies = ["{\"type\":", "{\"type\":\"SET\",\"key\":\"k\",\"value\":\"v\"", "not json at all", "{'type':'SET'}", ""];

        foreach (var body in bodies)
        {
            var response = await node.PostRawAsync(body);

            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{body} -> {response}");
            Assert.False(response.Success);
            Assert.False(string.IsNullOrWhiteSpace(response.Error));
        }
    }

    [Fact]
    public async Task A_body_that_is_not_an_object_is_400()
    {
        var node = await StartLimitedNodeAsync();
        string[] cases =
        [
            "[1,2,3]",
            "\"SET k v\"",
            "42",
            "null",
            "true",
        ];

        foreach (var body in cases)
        {
            var response = await node.PostRawAsync(body);

            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{body} -> {response}");
            Assert.Contains("object", response.Error, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Unknown_or_missing_type_is_400()
    {
        var node = await StartLimitedNodeAsync();
        (string Body, string Mentioned)[] cases =
        [
            ("{\"type\":\"PATCH\",\"key\":\"k\",\"value\":\"v\"}", "PATCH"),
            ("{\"type\":\"\",\"key\":\"k\"}", "type"),
            ("{\"key\":\"k\",\"value\":\"v\"}", "type"),
            ("{\"type\":7,\"key\":\"k\"}", "type"),
        ];

        foreach (var (body, mentioned) in cases)
        {
            var response = await node.PostRawAsync(body);

            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{body} -> {response}");
            Assert.Contains(mentioned, response.Error, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Missing_or_non_string_key_is_400()
    {
        var node = await StartLimitedNodeAsync();
        string[] cases =
        [
            "{\"type\":\"SET\",\"value\":\"v\"}",
            "{\"type\":\"GET\"}",
            "{\"type\":\"DELETE\",\"key\":\"\"}",
            "{\"type\":\"GET\",\"key\":null}",
            "{\"type\":\"GET\",\"key\":5}",
        ];

        foreach (var body in cases)
        {
            var response = await node.PostRawAsync(body);

            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{body} -> {response}");
            Assert.Contains("key", response.Error, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Missing_or_non_string_value_for_set_is_400_and_nothing_is_written()
    {
        var node = await StartLimitedNodeAsync();
        string[] cases =
        [
            "{\"type\":\"SET\",\"key\":\"k\"}",
            "{\"type\":\"SET\",\"key\":\"k\",\"value\":null}",
            "{\"type\":\"SET\",\"key\":\"k\",\"value\":42}",
            "{\"type\":\"SET\",\"key\":\"k\",\"value\":{\"nested\":true}}",
            "{\"type\":\"SET\",\"key\":\"k\",\"value\":[\"v\"]}",
        ];

        foreach (var body in cases)
        {
            var response = await node.PostRawAsync(body);

            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{body} -> {response}");
            Assert.Contains("value", response.Error, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync("k")).Status);
        }
    }

    [Fact]
    public async Task A_key_over_the_limit_is_413_counting_utf8_bytes()
    {
        var node = await StartLimitedNodeAsync();

        var ascii = await node.SetAsync(new string('k', MaxKeyBytes + 1), "v");
        var multibyte = await node.SetAsync(new string('é', (MaxKeyBytes / 2) + 1), "v"); // fewer characters than the limit, more bytes
        var get = await node.GetAsync(new string('k', MaxKeyBytes + 1));
        var rest = await node.SendAsync(HttpMethod.Put, "/v1/kv/" + new string('k', MaxKeyBytes + 1), "v");

        foreach (var response in new[] { ascii, multibyte, get, rest })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
            Assert.Contains("RAFT_MAX_KEY_BYTES", response.Error, StringComparison.Ordinal);
        }

        // Exactly at the limit is fine.
        Assert.Equal(HttpStatusCode.OK, (await node.SetAsync(new string('k', MaxKeyBytes), "v")).Status);
    }

    [Fact]
    public async Task A_value_over_the_limit_is_413_and_nothing_is_written()
    {
        var node = await StartLimitedNodeAsync();

        var command = await node.SetAsync("k", new string('v', MaxValueBytes + 1));
        var rest = await node.SendAsync(HttpMethod.Put, "/v1/kv/k", new string('v', MaxValueBytes + 1));

        foreach (var response in new[] { command, rest })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
            Assert.Contains("RAFT_MAX_VALUE_BYTES", response.Error, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync("k")).Status);
        Assert.Equal(HttpStatusCode.OK, (await node.SetAsync("k", new string('v', MaxValueBytes))).Status);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_with_a_json_answer()
    {
        var node = await StartLimitedNodeAsync();
        var padded = "{\"type\":\"SET\",\"key\":\"k\",\"value\":\"v\",\"padding\":\"" + new string('p', MaxBodyBytes * 4) + "\"}";

        var command = await node.PostRawAsync(padded);
        var rest = await node.SendAsync(HttpMethod.Put, "/v1/kv/k", new string('v', MaxBodyBytes * 4));

        foreach (var response in new[] { command, rest })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
            Assert.Contains("RAFT_MAX_BODY_BYTES", response.Error, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await node.GetAsync("k")).Status);

        // The node is still fine afterwards.
        Assert.Equal(HttpStatusCode.OK, (await node.SetAsync("k", "v")).Status);
    }

    [Fact]
    public async Task A_body_over_the_limit_sent_chunked_is_413_too()
    {
        var node = await StartLimitedNodeAsync();
        var padded = "{\"type\":\"SET\",\"key\":\"k\",\"value\":\"v\",\"padding\":\"" + new string('p', MaxBodyBytes * 4) + "\"}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(padded)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/command") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var raw = await node.Client.SendAsync(request);
        var response = await ApiResponse.ReadAsync(raw);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
    }

    [Fact]
    public async Task Extra_properties_are_ignored()
    {
        var node = await StartLimitedNodeAsync();

        var response = await node.PostRawAsync("{\"type\":\"SET\",\"key\":\"k\",\"value\":\"v\",\"extra\":1}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("v", (await node.GetAsync("k")).Result);
    }
}
