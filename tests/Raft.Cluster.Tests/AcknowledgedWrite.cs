namespace Raft.Cluster.Tests;

/// <summary>A SET the cluster acknowledged (HTTP 200, success true): the key, its value, the node asked, and when it was sent and answered.</summary>
internal sealed record AcknowledgedWrite(string Key, string Value, string Via, long SentAt, long AnsweredAt);
