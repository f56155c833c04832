namespace Raft.Server;

/// <summary>A client command after validation: SET, GET or DELETE of a key.</summary>
public sealed record KvRequest(string Type, string Key, string? Value);
