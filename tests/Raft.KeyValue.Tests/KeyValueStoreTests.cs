using System.Text;

namespace Raft.KeyValue.Tests;

public sealed class KeyValueStoreTests
{
    [Fact]
    public void Set_then_get_and_overwrite()
    {
        var store = new KeyValueStore();

        Assert.Null(store.Apply(1, Set("a", "1")));
        Assert.Null(store.Apply(2, Set("a", "2")));

        Assert.True(store.TryGet("a", out var value));
        Assert.Equal("2", value);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Delete_answers_whether_the_key_existed()
    {
        var store = new KeyValueStore();
        store.Apply(1, Set("a", "1"));

        Assert.Equal(true, store.Apply(2, Delete("a")));
        Assert.Equal(false, store.Apply(3, Delete("a")));
        Assert.False(store.TryGet("a", out var value));
        Assert.Null(value);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Keys_are_case_sensitive()
    {
        var store = new KeyValueStore();
        store.Apply(1, Set("Key", "upper"));
        store.Apply(2, Set("key", "lower"));

        Assert.Equal(2, store.Count);
        Assert.True(store.TryGet("Key", out var upper));
        Assert.Equal("upper", upper);
    }

    [Fact]
    public void A_garbage_command_is_refused_and_changes_nothing()
    {
        var store = new KeyValueStore();
        store.Apply(1, Set("a", "1"));

        Assert.Throws<FormatException>(() => store.Apply(2, new byte[] { 9, 9 }));

        Assert.Equal(1, store.Count);
        Assert.True(store.TryGet("a", out var value));
        Assert.Equal("1", value);
    }

    [Fact]
    public void Snapshot_then_restore_reproduces_the_state_exactly()
    {
        var original = new KeyValueStore();
        ulong index = 0;
        for (var i = 0; i < 500; i++)
        {
            original.Apply(++index, Set($"key-{i}", $"value-{i}-{new string('x', i % 17)}"));
        }

        original.Apply(++index, Set("ключ-🔑", "значение ✓"));
        original.Apply(++index, Set("empty", ""));
        original.Apply(++index, Delete("key-7"));

        using var snapshot = new MemoryStream();
        original.WriteSnapshot(snapshot);
        Assert.True(snapshot.CanWrite, "WriteSnapshot must leave the caller's stream open");
        Assert.Equal("RKV1"u8.ToArray(), snapshot.ToArray()[..4]);

        var restored = new KeyValueStore();
        restored.Apply(1, Set("stale", "must disappear"));
        snapshot.Position = 0;
        restored.RestoreSnapshot(snapshot);

        Assert.Equal(original.Count, restored.Count);
        Assert.False(restored.TryGet("stale", out _));
        Assert.False(restored.TryGet("key-7", out _));
        for (var i = 0; i < 500; i++)
        {
            if (i == 7)
            {
                continue;
            }

            Assert.True(restored.TryGet($"key-{i}", out var value));
            Assert.Equal($"value-{i}-{new string('x', i % 17)}", value);
        }

        Assert.True(restored.TryGet("ключ-🔑", out var unicode));
        Assert.Equal("значение ✓", unicode);
        Assert.True(restored.TryGet("empty", out var empty));
        Assert.Equal("", empty);
    }

    [Fact]
    public void An_empty_store_round_trips()
    {
        using var snapshot = new MemoryStream();
        new KeyValueStore().WriteSnapshot(snapshot);
        snapshot.Position = 0;

        var restored = new KeyValueStore();
        restored.Apply(1, Set("a", "1"));
        restored.RestoreSnapshot(snapshot);

        Assert.Equal(0, restored.Count);
    }

    [Fact]
    public void Restore_reads_from_the_stream_position_and_leaves_the_stream_open()
    {
        var source = new KeyValueStore();
        source.Apply(1, Set("a", "1"));
        using var stream = new MemoryStream();
        stream.Write("prefix"u8);
        source.WriteSnapshot(stream);
        stream.Position = "prefix".Length;

        var restored = new KeyValueStore();
        restored.RestoreSnapshot(stream);

        Assert.True(stream.CanRead);
        Assert.True(restored.TryGet("a", out var value));
        Assert.Equal("1", value);
    }

    [Theory]
    [InlineData("RKV2")]
    [InlineData("XXXX")]
    [InlineData("")]
    [InlineData("RK")]
    public void Bad_magic_is_refused_and_the_state_is_kept(string magic)
    {
        var good = new KeyValueStore();
        good.Apply(1, Set("x", "y"));
        using var valid = new MemoryStream();
        good.WriteSnapshot(valid);
        var bytes = Encoding.ASCII.GetBytes(magic).Concat(valid.ToArray()[4..]).ToArray();

        var store = new KeyValueStore();
        store.Apply(1, Set("keep", "me"));
        var error = Assert.Throws<InvalidDataException>(() => store.RestoreSnapshot(new MemoryStream(bytes)));

        Assert.Contains("magic", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, store.Count);
        Assert.True(store.TryGet("keep", out var value));
        Assert.Equal("me", value);
    }

    [Fact]
    public void A_truncated_snapshot_is_refused_and_the_state_is_kept()
    {
        var source = new KeyValueStore();
        for (var i = 0; i < 20; i++)
        {
            source.Apply((ulong)i + 1, Set($"k{i}", $"v{i}"));
        }

        using var full = new MemoryStream();
        source.WriteSnapshot(full);
        var truncated = full.ToArray()[..(int)(full.Length - 3)];

        var store = new KeyValueStore();
        store.Apply(1, Set("keep", "me"));
        Assert.ThrowsAny<IOException>(() => store.RestoreSnapshot(new MemoryStream(truncated)));

        Assert.Equal(1, store.Count);
        Assert.True(store.TryGet("keep", out _));
    }

    private static byte[] Set(string key, string value) => new KvCommand(KvOperation.Set, key, value).Encode();

    private static byte[] Delete(string key) => new KvCommand(KvOperation.Delete, key, null).Encode();
}
