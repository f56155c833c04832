using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Raft.Core;
using Raft.Core.Storage;
using Raft.Storage.Snapshots;
using Raft.Storage.Wal;

namespace Raft.Storage;

/// <summary>
/// The durable <see cref="ILogStore"/>: a segmented write-ahead log for entries and hard state, and a directory of
/// snapshot files, in a data directory laid out as <see cref="DataDirectory"/> describes.
/// <para>
/// Every write method returns only once its data is on stable storage, with one write and one fsync per
/// <see cref="Save"/> (group commit). Opening runs recovery: every record is checksummed, a write torn by a crash is
/// discarded, and damage to acknowledged data stops the open with a <see cref="StorageCorruptionException"/>.
/// </para>
/// <para>
/// The store is fail-stop: once a write, fsync, rename or delete fails, <see cref="IsFailed"/> is true and every later
/// write throws <see cref="StorageFailedException"/>; the node must stop voting until it is restarted. Reads keep serving
/// what was acknowledged before the failure. Like every <see cref="ILogStore"/>, it is used by one thread at a time;
/// snapshot streams from <see cref="GetSnapshot"/> may be read on other threads.
/// </para>
/// <para>
/// Like <see cref="MemoryLogStore"/>, it keeps the payloads of recent entries by reference (in its cache) and returns them
/// from <see cref="GetEntries"/>: a payload must never change once it is saved. Entries read back from disk have payloads
/// of their own.
/// </para>
/// </summary>
public sealed class FileLogStore : ILogStore, IDisposable
{
    private readonly DataDirectory directory;
    private readonly WriteAheadLog log;
    private readonly SnapshotStore snapshots;
    private volatile Exception? failure;
    private bool disposed;

    private FileLogStore(DataDirectory directory, WriteAheadLog log, SnapshotStore snapshots, RecoveryReport recovery)
    {
        this.directory = directory;
        this.log = log;
        this.snapshots = snapshots;
        Recovery = recovery;
    }

    /// <summary>The data directory (full path).</summary>
    public string Directory => directory.Root;

    /// <summary>Whether a write failed, making the store fail-stop.</summary>
    public bool IsFailed => Failure is not null;

    /// <summary>The failure that stopped the store, or null.</summary>
    public Exception? Failure => failure;

    /// <summary>What recovery found and repaired when the store was opened.</summary>
    public RecoveryReport Recovery { get; }

    public HardState HardState
    {
        get
        {
            // A snapshot covers only committed entries, so installing one implies the commit index reached it.
            var state = log.HardState;
            return state with { Commit = Math.Max(state.Commit, snapshots.Current.Metadata.Index) };
        }
    }

    public SnapshotMetadata SnapshotMetadata => snapshots.Current.Metadata;

    public ulong FirstIndex => log.FirstIndex;

    public ulong LastIndex => log.LastIndex;

    /// <summary>Bytes of recent entries held in memory.</summary>
    public long CachedBytes => log.CachedBytes;

    /// <summary>Number of segment files of the write-ahead log.</summary>
    public int SegmentCount => log.SegmentCount;

    /// <summary>
    /// Opens the store in <paramref name="path"/>, creating the directory layout if it is missing or empty and
    /// <see cref="FileLogStoreOptions.CreateIfMissing"/> allows, and recovers its state.
    /// </summary>
    /// <exception cref="IncompatibleDataDirectoryException">The directory belongs to another cluster, has an unknown format version or is not a data directory.</exception>
    /// <exception cref="StorageCorruptionException">Acknowledged data is damaged; the message names the file and offset and what to do.</exception>
    public static FileLogStore Open(string path, FileLogStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var started = Stopwatch.GetTimestamp();
        var report = new RecoveryReport();
        var directory = DataDirectory.Open(path, options);
        try
        {
            var snapshots = SnapshotStore.Open(options.FileSystem, directory.SnapshotPath, directory.Root, options, report);
            var log = WriteAheadLog.Open(options.FileSystem, directory.WalPath, directory.Root, options, snapshots.Current.Metadata, report);
            report.Duration = Stopwatch.GetElapsedTime(started);
            return new FileLogStore(directory, log, snapshots, report);
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    public ulong Term(ulong index) => log.Term(index);

    public void GetEntries(ulong fromIndex, ulong toIndex, long maxBytes, List<LogEntry> into)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        try
        {
            log.GetEntries(fromIndex, toIndex, maxBytes, into);
        }
        catch (IOException e)
        {
            // Acknowledged entries are damaged or unreadable: this node can no longer stand behind its log.
            Interlocked.CompareExchange(ref failure, e, null);
            throw;
        }
    }

    public Snapshot GetSnapshot() => snapshots.Current;

    public void Save(HardState? hardState, ReadOnlySpan<LogEntry> entries)
    {
        CheckWritable();
        if (!entries.IsEmpty)
        {
            CheckAppend(entries);
        }
        else if (hardState is null)
        {
            return;
        }

        try
        {
            log.Append(hardState, entries);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw Fail(e);
        }
    }

    public void InstallSnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        CheckWritable();
        if (snapshot.Metadata.Index <= snapshots.Current.Metadata.Index)
        {
            throw new ArgumentOutOfRangeException(
                nameof(snapshot), $"Snapshot {snapshot.Metadata.Index} is not newer than the installed snapshot {snapshots.Current.Metadata.Index}.");
        }

        // Order matters for crash safety: the data is durable before the log records the installation, and the
        // installation counts only once the snapshot file is in place (recovery rolls back a record whose snapshot
        // never appeared); the old segments go last.
        var prepared = PrepareSnapshotFile(snapshot, local: false);
        try
        {
            log.Reset(snapshot.Metadata);
            snapshots.Publish(prepared);
            log.Compact(snapshot.Metadata.Index);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    public void SaveSnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        CheckWritable();
        var metadata = snapshot.Metadata;
        // Written ahead by PrepareSnapshot on this store, or still to be written here.
        var ahead = snapshot.Source is PreparedSnapshotSource source && source.Store == this ? source.Prepared : null;
        if (metadata.Index <= snapshots.Current.Metadata.Index)
        {
            if (ahead is not null)
            {
                Discard(ahead);
            }

            return;
        }

        if (metadata.Index > log.LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(snapshot), $"A local snapshot at {metadata.Index} cannot be ahead of the log, which ends at {log.LastIndex}.");
        }

        if (log.Term(metadata.Index) != metadata.Term)
        {
            throw new ArgumentException($"The snapshot says entry {metadata.Index} has term {metadata.Term}, but the log has term {log.Term(metadata.Index)}.", nameof(snapshot));
        }

        var prepared = ahead ?? PrepareSnapshotFile(snapshot, local: true);
        try
        {
            snapshots.Publish(prepared);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    /// <summary>
    /// Writes and syncs the snapshot's file (the costly part of <see cref="SaveSnapshot"/>) on the calling thread; it
    /// touches nothing the log's own writes use. The result is published by <see cref="SaveSnapshot"/>; one never saved is
    /// replaced by the next preparation at the same index, and removed on open.
    /// </summary>
    public Snapshot PrepareSnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        CheckWritable();
        var prepared = PrepareSnapshotFile(snapshot, local: true);
        return new Snapshot(snapshot.Metadata, new PreparedSnapshotSource(this, prepared, snapshots.ReadPrepared(prepared)));
    }

    public void Compact(ulong index)
    {
        CheckWritable();
        if (index > snapshots.Current.Metadata.Index)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Only entries covered by the snapshot (up to {snapshots.Current.Metadata.Index}) may be compacted.");
        }

        try
        {
            log.Compact(index);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    /// <summary>Waits until the next segment file, prepared in the background, is ready: lets a benchmark keep that work out of what it measures.</summary>
    internal void WaitForBackgroundWork() => log.WaitForBackgroundWork();

    /// <summary>Segment files taken from recycled segments, and zero-filled ones written, since the store was opened.</summary>
    internal (int Recycled, int ZeroFilled) SegmentFiles => log.SegmentFiles;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        log.Dispose();
        directory.Dispose();
    }

    private void CheckWritable()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Failure is { } stopped)
        {
            throw new StorageFailedException(
                $"The log store in {Directory} stopped accepting writes after a failure: {stopped.Message} Restart the node so that recovery runs; if the disk is failing, replace it first.",
                stopped);
        }
    }

    private void CheckAppend(ReadOnlySpan<LogEntry> entries)
    {
        var first = entries[0].Index;
        if (first < log.FirstIndex || first > log.LastIndex + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(entries), $"First entry {first} does not continue the log [{log.FirstIndex}, {log.LastIndex}].");
        }

        var previousTerm = log.Term(first - 1);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (entry.Index != first + (ulong)i)
            {
                throw new ArgumentException($"Entries must be contiguous: entry {entry.Index} is at position {i} of a batch starting at {first}.", nameof(entries));
            }

            if (entry.Term < previousTerm)
            {
                throw new ArgumentException($"Entry {entry.Index} has term {entry.Term}, lower than the term {previousTerm} before it.", nameof(entries));
            }

            if (entry.Data.Length > WalRecord.MaxPayloadLength)
            {
                throw new ArgumentException($"Entry {entry.Index} has {entry.Data.Length} bytes; the limit is {WalRecord.MaxPayloadLength}.", nameof(entries));
            }

            previousTerm = entry.Term;
        }
    }

    // Streams the snapshot into its temporary file. Failures of the source are the caller's to handle and leave the
    // store working; failures of this disk make it fail-stop.
    private PreparedSnapshot PrepareSnapshotFile(Snapshot snapshot, bool local)
    {
        try
        {
            return snapshots.Prepare(snapshot, local);
        }
        catch (SnapshotSourceException e)
        {
            try
            {
                snapshots.Discard(null, snapshot.Metadata, local);
            }
            catch (Exception cleanup)
            {
                throw Fail(cleanup);
            }

            ExceptionDispatchInfo.Capture(e.InnerException!).Throw();
            throw;
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    private void Discard(PreparedSnapshot prepared)
    {
        try
        {
            snapshots.Discard(prepared, prepared.Metadata, local: true);
        }
        catch (Exception e)
        {
            throw Fail(e);
        }
    }

    private StorageFailedException Fail(Exception failure)
    {
        // The first failure wins; PrepareSnapshot may fail on another thread than the log's writes.
        Interlocked.CompareExchange(ref this.failure, failure, null);
        return new StorageFailedException(
            $"The log store in {Directory} failed and stopped accepting writes (fail-stop): {failure.Message} What is on disk is no longer known; "
            + "the node must stop voting. Restart it so that recovery runs; if the disk is failing or full, fix that first.",
            failure);
    }
}
