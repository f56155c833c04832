using System.Text;

namespace Raft.KeyValue.Tests;

public sealed class KvCommandTests
{
    [Theory]
    [InlineData("k", "v")]
    [InlineData("key with spaces", "")]
    [InlineData("ключ-🔑", "значение ✓ \u0000 with a NUL")]
    public void Set_round_trips(string key, string value)
    {
        var decoded = KvCommand.Decode(new KvCommand(KvOperation.Set, key, value).Encode());

        Assert.Equal(new KvCommand(KvOperation.Set, key, value), decoded);
    }

    [Fact]
    public void Delete_round_trips_without_a_value()
    {
        var decoded = KvCommand.Decode(new KvCommand(KvOperation.Delete, "gone", null).Encode());

        Assert.Equal(KvOperation.Delete, decoded.Operation);
        Assert.Equal("gone", decoded.Key);
        Assert.Null(decoded.Value);
    }

    [Fact]
    public void Encoding_is_operation_then_little_endian_key_length_then_key_then_value()
    {
        var bytes = new KvCommand(KvOperation.Set, "ab", "xyz").Encode();

        Assert.Equal(new byte[] { 1, 2, 0, (byte)'a', (byte)'b', (byte)'x', (byte)'y', (byte)'z' }, bytes);
        Assert.Equal(new byte[] { 2, 1, 0, (byte)'k' }, new KvCommand(KvOperation.Delete, "k", null).Encode());
    }

    [Fact]
    public void Key_length_counts_utf8_bytes_not_characters()
    {
        var bytes = new KvCommand(KvOperation.Set, "é", "v").Encode();

        Assert.Equal(2, bytes[1] | (bytes[2] << 8));
        Assert.Equal(3 + 2 + 1, bytes.Length);
    }

    [Fact]
    public void Largest_key_round_trips_and_a_longer_one_is_refused()
    {
        var largest = new string('k', ushort.MaxValue);
        Assert.Equal(largest, KvCommand.Decode(new KvCommand(KvOperation.Set, largest, "v").Encode()).Key);

        Assert.Throws<ArgumentException>(() => new KvCommand(KvOperation.Set, largest + "k", "v").Encode());
    }

    public static TheoryData<byte[]> Garbage => new()
    {
        Array.Empty<byte>(),
        new byte[] { 1 },
        new byte[] { 1, 0 },
        new byte[] { 0, 0, 0 },
        new byte[] { 3, 0, 0 },
        new byte[] { 255, 1, 0, (byte)'k' },
        new byte[] { 1, 5, 0, (byte)'a', (byte)'b' },
        new byte[] { 2, 255, 255 },
        Encoding.UTF8.GetBytes("{\"type\":\"SET\"}"),
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_is_a_format_exception(byte[] data)
    {
        Assert.Throws<FormatException>(() => KvCommand.Decode(data));
    }

    [Fact]
    public void Random_bytes_either_decode_to_a_valid_command_or_throw_format_exception()
    {
        var random = new Random(1234);
        for (var i = 0; i < 5000; i++)
        {
            var data = new byte[random.Next(0, 40)];
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length > 0)
            {
                data[0] = (byte)random.Next(1, 3); // a valid operation, so that the length checks are exercised too
            }

            try
            {
                var command = KvCommand.Decode(data);
                Assert.True(command.Operation is KvOperation.Set or KvOperation.Delete);
                Assert.Equal(command.Operation == KvOperation.Set, command.Value is not null);
            }
            catch (FormatException)
            {
            }
        }
    }
}
