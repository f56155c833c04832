using System.Reflection;

namespace Raft.Cluster.Tests;

/// <summary>Where the built executables are: under the repository root (the directory holding Raft.sln), same configuration as this test build.</summary>
internal static class RepositoryLayout
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    /// <summary>The build configuration of this assembly (Debug or Release), as the SDK stamps it.</summary>
    public static string Configuration =>
        typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : throw new InvalidOperationException("The test assembly carries no AssemblyConfiguration attribute.");

    public static string ServerDll => Executable("Raft.Server", "raft-server.dll");

    public static string CliDll => Executable("Raft.Cli", "raft-cli.dll");

    private static string Executable(string project, string dll)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{dll} is not built at {path}; build src/{project} with -c {Configuration} (the test project references it, so 'dotnet test' builds it).", path);
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Raft.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Raft.sln above {AppContext.BaseDirectory}.");
    }
}
