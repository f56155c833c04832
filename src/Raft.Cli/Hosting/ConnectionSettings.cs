namespace Raft.Cli.Hosting;

/// <summary>Where to send requests and how long to wait for each answer.</summary>
internal sealed record ConnectionSettings(Uri Address, TimeSpan Timeout);
