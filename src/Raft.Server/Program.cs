using Raft.Server;
using Raft.Storage;

// Socket completions run on the socket engine's thread instead of being queued to the thread pool: a peer's message reaches
// the node's loop, and a request Kestrel's parser, one thread hop sooner. With three nodes on 2 cores this cut the
// single-client write p50 by about a tenth (bench/README.md). Safe here because nothing that reads a socket in this
// process blocks: the transport hands messages to the loop's queue, and Kestrel runs handlers on the pool. It must be set
// before the first socket is created; an operator's own setting wins.
const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (Environment.GetEnvironmentVariable(InlineSocketCompletions) is null)
{
    Environment.SetEnvironmentVariable(InlineSocketCompletions, "1");
}

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
