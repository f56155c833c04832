using Raft.Core.Messages;

namespace Raft.Transport;

/// <summary>
/// Receives the data of one snapshot into a file, chunk by chunk, so that a snapshot is never held in memory.
/// The file is written as <c>.part</c> and renamed to <c>.snap</c> only once complete and flushed to disk, so a crash never
/// leaves a file that looks whole. An incomplete transfer (connection lost, superseded by a newer InstallSnapshot, transport
/// disposed) deletes its <c>.part</c> file; a completed <c>.snap</c> file belongs to whoever receives the message.
/// </summary>
internal sealed class SnapshotSpool : IAsyncDisposable
{
    private readonly InstallSnapshot header;
    private readonly string partPath;
    private readonly string finalPath;
    private FileStream? file;

    public SnapshotSpool(string directory, ulong localId, InstallSnapshot header)
    {
        this.header = header;
        Expected = header.Snapshot.Source.Length;
        var metadata = header.Snapshot.Metadata;
        var name = $"{FilePrefix(localId)}from-{header.From}-{metadata.Index}-{metadata.Term}-{Guid.NewGuid():N}";
        partPath = Path.Combine(directory, name + ".part");
        finalPath = Path.Combine(directory, name + ".snap");
        Directory.CreateDirectory(directory);
        file = new FileStream(partPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0, // chunks are large; our own writes are the buffer
            // Reserving the space up front makes a full disk fail the transfer at its start, not after gigabytes.
            PreallocationSize = Expected,
        });
    }

    public long Expected { get; }

    public long Received { get; private set; }

    public bool IsComplete => Received == Expected;

    public ulong From => header.From;

    public ulong Index => header.Snapshot.Metadata.Index;

    /// <summary>Every spool file of node <paramref name="localId"/> starts with this, so leftovers of an earlier run can be found.</summary>
    public static string FilePrefix(ulong localId) => $"raft-{localId}-snapshot-";

    public async ValueTask AppendAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        if (chunk.Length > Expected - Received)
        {
            throw new ProtocolException($"Snapshot chunk of {chunk.Length} bytes overruns the announced length {Expected} (received {Received}).");
        }

        await file!.WriteAsync(chunk, ct).ConfigureAwait(false);
        Received += chunk.Length;
    }

    /// <summary>Makes the file durable and whole, and returns the message to deliver, its data now read from the file.</summary>
    public async ValueTask<InstallSnapshot> CompleteAsync()
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException($"Snapshot incomplete: {Received} of {Expected} bytes.");
        }

        // fsync before the rename, so that a consumer may move the file into its snapshot store and rely on its contents.
        file!.Flush(flushToDisk: true);
        await file.DisposeAsync().ConfigureAwait(false);
        file = null;
        File.Move(partPath, finalPath);
        return header with { Snapshot = header.Snapshot with { Source = new FileSnapshotSource(finalPath) } };
    }

    public async ValueTask DisposeAsync()
    {
        if (file is not null)
        {
            await file.DisposeAsync().ConfigureAwait(false);
            file = null;
            try
            {
                File.Delete(partPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover .part file is removed when this node's transport next starts.
            }
        }
    }

    /// <summary>Deletes the spool files (partial or complete) that an earlier run of node <paramref name="localId"/> left behind.</summary>
    public static int DeleteLeftovers(string directory, ulong localId)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var path in Directory.EnumerateFiles(directory, FilePrefix(localId) + "*"))
        {
            try
            {
                File.Delete(path);
                deleted++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a file still open elsewhere is simply left for the next start.
            }
        }

        return deleted;
    }
}
