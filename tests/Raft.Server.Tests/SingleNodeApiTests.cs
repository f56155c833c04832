using System.Net;
using System.Text.Json;

namespace Raft.Server.Tests;

public sealed class SingleNodeApiTests : ServerTestBase
{
    [Fact]
    public async Task Set_then_get_answers_with_the_seed_json_exactly()
    {
        var node = await StartSingleNodeAsync();

        var set = await node.SetAsync("example_key", "example_value");
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("""{"success":true,"result":null,"error":null}""", set.Body);

        var get = await node.GetAsync("example_key");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("""{"success":true,"result":"example_value","error":null}""", get.Body);
    }

    [Fact]
    public async Task Set_overwrites_and_values_keep_unicode_and_json_special_characters()
    {
        var node = await StartSingleNodeAsync();
        const string Tricky = "line1\nline2 \"quoted\" \\ ключ ✓ 🔑";

        Assert.True((await node.SetAsync("k", "first")).Success);
        Assert.True((await node.SetAsync("k", Tricky)).Success);

        var get = await node.GetAsync("k");
        Assert.Equal(Tricky, get.Result);
    }

    [Fact]
    public async Task Command_types_are_case_insensitive()
    {
        var node = await StartSingleNodeAsync();

        Assert.Equal(HttpStatusCode.OK, (await node.CommandAsync("set", "lower", "v")).Status);
        Assert.Equal("v", (await node.CommandAsync("Get", "lower")).Result);
    }

    [Fact]
    public async Task Delete_then_get_is_404_with_success_false()
    {
        var node = await StartSingleNodeAsync();
        await node.SetAsync("doomed", "v");

        var delete = await node.DeleteAsync("doomed");
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.Equal("""{"success":true,"result":null,"error":null}""", delete.Body);

        var get = await node.GetAsync("doomed");
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.False(get.Success);
        Assert.Null(get.Result);
        Assert.Contains("doomed", get.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_of_a_key_never_set_is_404()
    {
        var node = await StartSingleNodeAsync();

        var get = await node.GetAsync("never-set");

        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.False(get.Success);
    }

    [Fact]
    public async Task Rest_put_get_delete_on_v1_kv()
    {
        var node = await StartSingleNodeAsync();

        var put = await node.SendAsync(HttpMethod.Put, "/v1/kv/rest-key", "rest value ✓");
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("""{"success":true,"result":null,"error":null}""", put.Body);

        var get = await node.SendAsync(HttpMethod.Get, "/v1/kv/rest-key");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("rest value ✓", get.Result);

        // REST and /command are the same store.
        Assert.Equal("rest value ✓", (await node.GetAsync("rest-key")).Result);
        await node.SetAsync("rest-key", "from command");
        Assert.Equal("from command", (await node.SendAsync(HttpMethod.Get, "/v1/kv/rest-key")).Result);

        var delete = await node.SendAsync(HttpMethod.Delete, "/v1/kv/rest-key");
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        var gone = await node.SendAsync(HttpMethod.Get, "/v1/kv/rest-key");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.False(gone.Success);
    }

    [Fact]
    public async Task Rest_key_is_url_decoded()
    {
        var node = await StartSingleNodeAsync();

        var put = await node.SendAsync(HttpMethod.Put, "/v1/kv/a%20b%3Fc%25d", "v");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("v", (await node.GetAsync("a b?c%d")).Result);
    }

    [Fact]
    public async Task Rest_key_with_an_encoded_slash_is_the_same_key_as_in_command()
    {
        var node = await StartSingleNodeAsync();
        await node.SetAsync("dir/file", "slash");

        // A key with '/' can only be addressed by REST percent-encoded; it must name the same key as /command's "dir/file".
        var get = await node.SendAsync(HttpMethod.Get, "/v1/kv/dir%2Ffile");
        await node.SendAsync(HttpMethod.Put, "/v1/kv/other%2Fkey", "v");

        Assert.True(get.Status == HttpStatusCode.OK, $"GET /v1/kv/dir%2Ffile: {get}");
        Assert.Equal("slash", get.Result);
        Assert.Equal("v", (await node.GetAsync("other/key")).Result);
    }

    [Fact]
    public async Task Health_is_200_OK()
    {
        var node = await StartSingleNodeAsync();

        using var response = await node.Client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("OK", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Status_has_the_seed_fields_with_values_that_follow_the_writes()
    {
        var node = await StartSingleNodeAsync();

        var before = await node.StatusAsync();
        Assert.Equal("node-1", before.GetProperty("node_id").GetString());
        Assert.Equal(2, before.GetProperty("state").GetInt32());
        Assert.True(before.GetProperty("current_term").GetUInt64() >= 1);
        Assert.Equal("node-1", before.GetProperty("leader_id").GetString());
        Assert.Equal(JsonValueKind.Array, before.GetProperty("peers").ValueKind);
        Assert.Equal(0, before.GetProperty("peers").GetArrayLength());
        var commitBefore = before.GetProperty("commit_index").GetUInt64();

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await node.SetAsync($"k{i}", "v")).Success);
        }

        // /status is the loop's picture as of its last turn, so it may trail the answer to the last write briefly.
        JsonElement after = default;
        await Poll.Eventually(
            async () =>
            {
                after = await node.StatusAsync();
                return after.GetProperty("last_applied").GetUInt64() == commitBefore + 5;
            },
            TimeSpan.FromSeconds(5),
            "status shows the five writes applied");
        var commit = after.GetProperty("commit_index").GetUInt64();
        Assert.Equal(commitBefore + 5, commit);
        Assert.Equal(commit, after.GetProperty("log_length").GetUInt64());
        Assert.Equal(before.GetProperty("current_term").GetUInt64(), after.GetProperty("current_term").GetUInt64());

        // A read does not add to the log.
        await node.GetAsync("k0");
        Assert.Equal(commit, (await node.StatusAsync()).GetProperty("commit_index").GetUInt64());
    }

    [Fact]
    public async Task Unknown_paths_and_methods_are_not_200()
    {
        var node = await StartSingleNodeAsync();

        using var missing = await node.Client.GetAsync("/nope");
        using var wrongMethod = await node.Client.GetAsync("/command");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }
}
