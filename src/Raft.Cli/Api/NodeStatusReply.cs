using System.Text.Json;

namespace Raft.Cli.Api;

/// <summary>A node's <c>/status</c>, parsed, together with the JSON exactly as the node sent it.</summary>
internal sealed record NodeStatusReply(NodeStatus Status, JsonElement Raw);
