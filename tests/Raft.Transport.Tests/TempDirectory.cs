namespace Raft.Transport.Tests;

/// <summary>A fresh directory for one test, removed with everything in it afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "raft-transport-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string[] Files() => Directory.GetFiles(Path);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
