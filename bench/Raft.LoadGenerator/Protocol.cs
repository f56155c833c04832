using System.Buffers.Text;
using System.Text;

namespace Raft.LoadGenerator;

/// <summary>
/// How requests look for one target system. Bodies are serialized once: a write body is one per-client buffer in which only
/// the key's digits are patched before each request, so building a request allocates nothing and costs a few nanoseconds.
/// </summary>
internal abstract class Protocol
{
    /// <summary>Width of the key slot number in a write key ("w0001-000042").</summary>
    private const int SlotDigits = 6;

    public abstract string WritePath { get; }

    public abstract string ReadPath { get; }

    public static Protocol For(TargetKind target) => target == TargetKind.Raft ? new RaftProtocol() : new EtcdProtocol();

    /// <summary>The value every write sends: printable ASCII, so it needs no JSON escaping.</summary>
    public static byte[] Value(int size)
    {
        var value = new byte[size];
        for (var i = 0; i < size; i++)
        {
            value[i] = (byte)('a' + (i % 26));
        }

        return value;
    }

    public static string WriteKey(int client, int slot) => $"w{client:D4}-{slot.ToString($"D{SlotDigits}", System.Globalization.CultureInfo.InvariantCulture)}";

    public static string ReadKey(int index) => $"r{index:D8}";

    /// <summary>A body that writes <paramref name="key"/> = <paramref name="value"/>.</summary>
    public abstract byte[] Write(string key, ReadOnlySpan<byte> value);

    /// <summary>A body that reads <paramref name="key"/> (linearizably: the target's default).</summary>
    public abstract byte[] Read(string key);

    /// <summary>A reusable write body for one client, whose key slot is changed in place by <see cref="WriteBody.SetSlot"/>.</summary>
    public WriteBody CreateWriteBody(int client, ReadOnlySpan<byte> value)
    {
        var key = WriteKey(client, 0);
        var body = Write(key, value);
        var encodedKey = EncodeKey(key);
        var offset = body.AsSpan().IndexOf(encodedKey);
        if (offset < 0)
        {
            throw new InvalidOperationException("the key is not in the body");
        }

        return new WriteBody(this, body, offset, client);
    }

    /// <summary>The key as it appears in the body.</summary>
    protected abstract byte[] EncodeKey(string key);

    /// <summary>Writes the encoded form of <paramref name="key"/> (ASCII) into <paramref name="destination"/>.</summary>
    protected abstract void EncodeKeyInto(ReadOnlySpan<byte> key, Span<byte> destination);

    /// <summary>Whether an answer with this status and body is a success.</summary>
    public abstract bool IsSuccess(int status, ReadOnlySpan<byte> body);

    internal sealed class WriteBody(Protocol protocol, byte[] body, int keyOffset, int client)
    {
        private readonly byte[] key = Encoding.ASCII.GetBytes(WriteKey(client, 0));

        public byte[] Bytes { get; } = body;

        public void SetSlot(int slot)
        {
            // "w0001-" then SlotDigits digits, right to left.
            var digits = key.AsSpan(key.Length - SlotDigits);
            for (var i = SlotDigits - 1; i >= 0; i--)
            {
                digits[i] = (byte)('0' + (slot % 10));
                slot /= 10;
            }

            protocol.EncodeKeyInto(key, Bytes.AsSpan(keyOffset));
        }
    }

    private sealed class RaftProtocol : Protocol
    {
        private static readonly byte[] SuccessTrue = "\"success\":true"u8.ToArray();

        public override string WritePath => "/command";

        public override string ReadPath => "/command";

        public override byte[] Write(string key, ReadOnlySpan<byte> value) =>
            Encoding.UTF8.GetBytes($"{{\"type\":\"SET\",\"key\":\"{key}\",\"value\":\"{Encoding.ASCII.GetString(value)}\"}}");

        public override byte[] Read(string key) => Encoding.UTF8.GetBytes($"{{\"type\":\"GET\",\"key\":\"{key}\"}}");

        public override bool IsSuccess(int status, ReadOnlySpan<byte> body) => status == 200 && body.IndexOf(SuccessTrue) >= 0;

        protected override byte[] EncodeKey(string key) => Encoding.ASCII.GetBytes(key);

        protected override void EncodeKeyInto(ReadOnlySpan<byte> key, Span<byte> destination) => key.CopyTo(destination);
    }

    private sealed class EtcdProtocol : Protocol
    {
        private static readonly byte[] Error = "\"error\""u8.ToArray();

        public override string WritePath => "/v3/kv/put";

        public override string ReadPath => "/v3/kv/range";

        public override byte[] Write(string key, ReadOnlySpan<byte> value) =>
            Encoding.UTF8.GetBytes($"{{\"key\":\"{Convert.ToBase64String(Encoding.ASCII.GetBytes(key))}\",\"value\":\"{Convert.ToBase64String(value)}\"}}");

        // Without "serializable": true, a range is linearizable (etcd confirms its leadership with a quorum first).
        public override byte[] Read(string key) => Encoding.UTF8.GetBytes($"{{\"key\":\"{Convert.ToBase64String(Encoding.ASCII.GetBytes(key))}\"}}");

        public override bool IsSuccess(int status, ReadOnlySpan<byte> body) => status == 200 && body.IndexOf(Error) < 0;

        protected override byte[] EncodeKey(string key) => Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(key)));

        protected override void EncodeKeyInto(ReadOnlySpan<byte> key, Span<byte> destination) =>
            Base64.EncodeToUtf8(key, destination, out _, out _);
    }
}
