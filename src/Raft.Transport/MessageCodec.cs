using Raft.Core;
using Raft.Core.Messages;

namespace Raft.Transport;

/// <summary>
/// The binary encoding of every <see cref="Message"/> as one frame payload: a <see cref="FrameType"/> byte, then
/// From, To and Term as varints, then the fields of the message type in declaration order (varints for numbers,
/// one byte 0/1 for booleans). Pure and allocation-free on the encode side, so it can be tested exhaustively.
/// An <see cref="InstallSnapshot"/> encodes only its header (metadata and data length): its data is streamed after it in
/// snapshot chunk frames so that a snapshot never has to fit in memory or in one frame.
/// </summary>
public static class MessageCodec
{
    // An entry needs at least: index (1) + term (1) + type (1) + data length (1).
    private const int MinEntryBytes = 4;

    /// <summary>The exact number of bytes <see cref="Encode(Message, Span{byte})"/> writes for <paramref name="message"/>.</summary>
    public static int GetEncodedLength(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        long length = 1 + V(message.From) + V(message.To) + V(message.Term);
        length += message switch
        {
            RequestVote m => V(m.LastLogIndex) + V(m.LastLogTerm),
            RequestVoteResponse => 1,
            PreVote m => V(m.LastLogIndex) + V(m.LastLogTerm),
            PreVoteResponse => 1,
            AppendEntries m => EntriesLength(m),
            AppendEntriesResponse m => 1 + V(m.Index) + V(m.ConflictTerm) + V(m.ConflictIndex),
            Heartbeat m => V(m.Commit) + V(m.ReadRound),
            HeartbeatResponse m => V(m.ReadRound),
            InstallSnapshot m => SnapshotHeaderLength(m.Snapshot),
            ReadIndexRequest m => V(m.Context),
            ReadIndexResponse m => V(m.Context) + V(m.Index),
            _ => throw Unsupported(message),
        };

        // Frames carry a 32-bit length; anything near that is far beyond any sane MaxFrameBytes anyway.
        return length <= int.MaxValue
            ? (int)length
            : throw new ArgumentException($"{message.GetType().Name} is too large to encode ({length} bytes).", nameof(message));
    }

    /// <summary>Encodes <paramref name="message"/> into a new array (tests and tools; the transport encodes in place).</summary>
    public static byte[] Encode(Message message)
    {
        var buffer = new byte[GetEncodedLength(message)];
        Encode(message, buffer);
        return buffer;
    }

    /// <summary>Writes <paramref name="message"/> at the start of <paramref name="destination"/> and returns the number of bytes written.</summary>
    public static int Encode(Message message, Span<byte> destination)
    {
        var length = GetEncodedLength(message);
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes, the message needs {length}.", nameof(destination));
        }

        var writer = new WireWriter(destination);
        writer.WriteByte((byte)TypeOf(message));
        writer.WriteVarUInt64(message.From);
        writer.WriteVarUInt64(message.To);
        writer.WriteVarUInt64(message.Term);
        switch (message)
        {
            case RequestVote m:
                writer.WriteVarUInt64(m.LastLogIndex);
                writer.WriteVarUInt64(m.LastLogTerm);
                break;
            case RequestVoteResponse m:
                writer.WriteBool(m.Granted);
                break;
            case PreVote m:
                writer.WriteVarUInt64(m.LastLogIndex);
                writer.WriteVarUInt64(m.LastLogTerm);
                break;
            case PreVoteResponse m:
                writer.WriteBool(m.Granted);
                break;
            case AppendEntries m:
                WriteAppendEntries(ref writer, m);
                break;
            case AppendEntriesResponse m:
                writer.WriteBool(m.Success);
                writer.WriteVarUInt64(m.Index);
                writer.WriteVarUInt64(m.ConflictTerm);
                writer.WriteVarUInt64(m.ConflictIndex);
                break;
            case Heartbeat m:
                writer.WriteVarUInt64(m.Commit);
                writer.WriteVarUInt64(m.ReadRound);
                break;
            case HeartbeatResponse m:
                writer.WriteVarUInt64(m.ReadRound);
                break;
            case InstallSnapshot m:
                WriteSnapshotHeader(ref writer, m.Snapshot);
                break;
            case ReadIndexRequest m:
                writer.WriteVarUInt64(m.Context);
                break;
            case ReadIndexResponse m:
                writer.WriteVarUInt64(m.Context);
                writer.WriteVarUInt64(m.Index);
                break;
            default:
                throw Unsupported(message);
        }

        System.Diagnostics.Debug.Assert(writer.Position == length, "GetEncodedLength and Encode disagree.");
        return writer.Position;
    }

    /// <summary>
    /// Decodes one frame payload. Anything malformed (unknown type, truncation, a length beyond the frame, an absurd count,
    /// an invalid enum or configuration, trailing bytes) throws <see cref="ProtocolException"/> and nothing else.
    /// An <see cref="InstallSnapshot"/> comes back with a source that only knows the announced length: its data follows in chunk frames.
    /// </summary>
    public static Message Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new WireReader(payload);
        var type = (FrameType)reader.ReadByte();
        if (!Enum.IsDefined(type))
        {
            throw new ProtocolException($"Unknown frame type {(byte)type}.");
        }

        if (type == FrameType.SnapshotChunk)
        {
            throw new ProtocolException("A snapshot chunk frame is not a message.");
        }

        var from = reader.ReadVarUInt64();
        var to = reader.ReadVarUInt64();
        var term = reader.ReadVarUInt64();
        Message message = type switch
        {
            FrameType.RequestVote => new RequestVote(from, to, term, reader.ReadVarUInt64(), reader.ReadVarUInt64()),
            FrameType.RequestVoteResponse => new RequestVoteResponse(from, to, term, reader.ReadBool("Granted")),
            FrameType.PreVote => new PreVote(from, to, term, reader.ReadVarUInt64(), reader.ReadVarUInt64()),
            FrameType.PreVoteResponse => new PreVoteResponse(from, to, term, reader.ReadBool("Granted")),
            FrameType.AppendEntries => ReadAppendEntries(ref reader, from, to, term),
            FrameType.AppendEntriesResponse => new AppendEntriesResponse(
                from, to, term, reader.ReadBool("Success"), reader.ReadVarUInt64(), reader.ReadVarUInt64(), reader.ReadVarUInt64()),
            FrameType.Heartbeat => new Heartbeat(from, to, term, reader.ReadVarUInt64(), reader.ReadVarUInt64()),
            FrameType.HeartbeatResponse => new HeartbeatResponse(from, to, term, reader.ReadVarUInt64()),
            FrameType.InstallSnapshot => new InstallSnapshot(from, to, term, ReadSnapshotHeader(ref reader)),
            FrameType.ReadIndexRequest => new ReadIndexRequest(from, to, term, reader.ReadVarUInt64()),
            FrameType.ReadIndexResponse => new ReadIndexResponse(from, to, term, reader.ReadVarUInt64(), reader.ReadVarUInt64()),
            _ => throw new ProtocolException($"Frame type {type} is not a message."),
        };
        reader.EnsureEnd();
        return message;
    }

    internal static FrameType TypeOf(Message message) => message switch
    {
        RequestVote => FrameType.RequestVote,
        RequestVoteResponse => FrameType.RequestVoteResponse,
        PreVote => FrameType.PreVote,
        PreVoteResponse => FrameType.PreVoteResponse,
        AppendEntries => FrameType.AppendEntries,
        AppendEntriesResponse => FrameType.AppendEntriesResponse,
        Heartbeat => FrameType.Heartbeat,
        HeartbeatResponse => FrameType.HeartbeatResponse,
        InstallSnapshot => FrameType.InstallSnapshot,
        ReadIndexRequest => FrameType.ReadIndexRequest,
        ReadIndexResponse => FrameType.ReadIndexResponse,
        _ => throw Unsupported(message),
    };

    private static int V(ulong value) => WireWriter.VarUInt64Size(value);

    private static long EntriesLength(AppendEntries m)
    {
        ArgumentNullException.ThrowIfNull(m.Entries, nameof(m.Entries));
        long length = V(m.PrevLogIndex) + V(m.PrevLogTerm) + V(m.LeaderCommit) + V((ulong)m.Entries.Length);
        foreach (var entry in m.Entries)
        {
            length += V(entry.Index) + V(entry.Term) + 1 + V((ulong)entry.Data.Length) + entry.Data.Length;
        }

        return length;
    }

    private static void WriteAppendEntries(ref WireWriter writer, AppendEntries m)
    {
        writer.WriteVarUInt64(m.PrevLogIndex);
        writer.WriteVarUInt64(m.PrevLogTerm);
        writer.WriteVarUInt64(m.LeaderCommit);
        writer.WriteVarUInt64((ulong)m.Entries.Length);
        foreach (var entry in m.Entries)
        {
            writer.WriteVarUInt64(entry.Index);
            writer.WriteVarUInt64(entry.Term);
            writer.WriteByte((byte)entry.Type);
            writer.WriteVarUInt64((ulong)entry.Data.Length);
            writer.WriteBytes(entry.Data.Span);
        }
    }

    private static AppendEntries ReadAppendEntries(ref WireReader reader, ulong from, ulong to, ulong term)
    {
        var prevLogIndex = reader.ReadVarUInt64();
        var prevLogTerm = reader.ReadVarUInt64();
        var leaderCommit = reader.ReadVarUInt64();
        // Bounded by the bytes left in the frame, so a forged count cannot make us allocate more than the frame justifies.
        var count = reader.ReadCount("entry count", MinEntryBytes);
        if (count == 0)
        {
            return new AppendEntries(from, to, term, prevLogIndex, prevLogTerm, [], leaderCommit);
        }

        // Two passes: the first validates the entry headers and sums the data, so that all payloads share one array
        // (one allocation per message instead of one per entry) and nothing is allocated for a frame that turns out bad.
        var entriesStart = reader.Position;
        long totalData = 0;
        for (var i = 0; i < count; i++)
        {
            reader.ReadVarUInt64();
            reader.ReadVarUInt64();
            ReadEntryType(ref reader);
            var length = reader.ReadCount("entry data length", 1);
            reader.Skip(length);
            totalData += length;
        }

        byte[] data = totalData == 0 ? [] : new byte[totalData];
        var entries = new LogEntry[count];
        var again = new WireReader(reader.Since(entriesStart));
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            var index = again.ReadVarUInt64();
            var entryTerm = again.ReadVarUInt64();
            var type = (EntryType)again.ReadByte();
            var length = (int)again.ReadVarUInt64();
            again.ReadBytes(length).CopyTo(data.AsSpan(offset));
            entries[i] = new LogEntry(index, entryTerm, type, length == 0 ? ReadOnlyMemory<byte>.Empty : data.AsMemory(offset, length));
            offset += length;
        }

        return new AppendEntries(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit);
    }

    private static EntryType ReadEntryType(ref WireReader reader)
    {
        var type = (EntryType)reader.ReadByte();
        return Enum.IsDefined(type) ? type : throw new ProtocolException($"Unknown entry type {(byte)type}.");
    }

    private static long SnapshotHeaderLength(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var metadata = snapshot.Metadata;
        long length = V(metadata.Index) + V(metadata.Term) + 1 + V((ulong)snapshot.Source.Length);
        if (metadata.Configuration is { } configuration)
        {
            length += IdsLength(configuration.Voters) + IdsLength(configuration.OutgoingVoters) + IdsLength(configuration.Learners);
        }

        return length;
    }

    private static long IdsLength(ulong[] ids)
    {
        long length = V((ulong)ids.Length);
        foreach (var id in ids)
        {
            length += V(id);
        }

        return length;
    }

    private static void WriteSnapshotHeader(ref WireWriter writer, Snapshot snapshot)
    {
        writer.WriteVarUInt64(snapshot.Metadata.Index);
        writer.WriteVarUInt64(snapshot.Metadata.Term);
        var configuration = snapshot.Metadata.Configuration;
        writer.WriteBool(configuration is not null);
        if (configuration is not null)
        {
            WriteIds(ref writer, configuration.Voters);
            WriteIds(ref writer, configuration.OutgoingVoters);
            WriteIds(ref writer, configuration.Learners);
        }

        writer.WriteVarUInt64((ulong)snapshot.Source.Length);
    }

    private static void WriteIds(ref WireWriter writer, ulong[] ids)
    {
        writer.WriteVarUInt64((ulong)ids.Length);
        foreach (var id in ids)
        {
            writer.WriteVarUInt64(id);
        }
    }

    private static Snapshot ReadSnapshotHeader(ref WireReader reader)
    {
        var index = reader.ReadVarUInt64();
        var term = reader.ReadVarUInt64();
        ClusterConfiguration? configuration = null;
        if (reader.ReadBool("HasConfiguration"))
        {
            var voters = ReadIds(ref reader, "voter count");
            var outgoing = ReadIds(ref reader, "outgoing voter count");
            var learners = ReadIds(ref reader, "learner count");
            try
            {
                configuration = new ClusterConfiguration(voters, outgoing, learners);
            }
            catch (ArgumentException ex)
            {
                throw new ProtocolException($"Invalid configuration in snapshot metadata: {ex.Message}", ex);
            }
        }

        var length = reader.ReadVarUInt64();
        if (length > long.MaxValue)
        {
            throw new ProtocolException($"Snapshot length {length} is out of range.");
        }

        return new Snapshot(new SnapshotMetadata(index, term, configuration), new AnnouncedSnapshotSource((long)length));
    }

    private static ulong[] ReadIds(ref WireReader reader, string field)
    {
        var count = reader.ReadCount(field, 1);
        var ids = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = reader.ReadVarUInt64();
        }

        return ids;
    }

    private static NotSupportedException Unsupported(Message message) =>
        new($"The transport has no encoding for {message.GetType().Name}.");
}
