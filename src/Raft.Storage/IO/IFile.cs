namespace Raft.Storage.IO;

/// <summary>An open file, accessed by offset (no shared position), as with <see cref="RandomAccess"/>.</summary>
public interface IFile : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads from <paramref name="offset"/>, filling <paramref name="buffer"/> unless the end of the file comes first.</summary>
    /// <returns>The number of bytes read: less than the buffer only at the end of the file.</returns>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>, extending the file if needed. Not durable until <see cref="Sync"/>.</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Truncates or extends (with zeros) the file. Not durable until <see cref="Sync"/>.</summary>
    void SetLength(long length);

    /// <summary>
    /// Hints that <c>[offset, offset + length)</c> will be read soon, so that the system can start reading it while the
    /// caller works on what it has; a hint only, which may do nothing.
    /// </summary>
    void Prefetch(long offset, long length)
    {
    }

    /// <summary>Returns once everything written to this file, and what is needed to read it back (its size), is on stable storage (fdatasync).</summary>
    void Sync();
}
