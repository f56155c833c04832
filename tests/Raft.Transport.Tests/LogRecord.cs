using Microsoft.Extensions.Logging;

namespace Raft.Transport.Tests;

/// <summary>One captured log line; <see cref="EventName"/> is the name of the TransportLog method that wrote it.</summary>
internal sealed record LogRecord(LogLevel Level, string? EventName, string Message, Exception? Exception);
