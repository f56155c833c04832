namespace Raft.Cli.Tests.Fakes;

/// <summary>An entry of the fake's <c>"members"</c>; the replication fields are reported only while the fake is leader.</summary>
internal sealed record FakeMember(string NodeId, string Address, long? MatchIndex = null, long? NextIndex = null, string? Progress = null);
