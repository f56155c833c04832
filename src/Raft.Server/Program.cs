using Raft.Server;
using Raft.Storage;

try
{
    await using var app = RaftServerApp.Build(args);
    await app.RunAsync().ConfigureAwait(false);
    return 0;
}
catch (ServerConfigurationException e)
{
    await Console.Error.WriteLineAsync($"raft-server: invalid configuration: {e.Message}").ConfigureAwait(false);
    return 2;
}
catch (Exception e) when (e is StorageCorruptionException or IncompatibleDataDirectoryException)
{
    await Console.Error.WriteLineAsync($"raft-server: cannot start: {e.Message}").ConfigureAwait(false);
    return 3;
}
