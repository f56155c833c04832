using Microsoft.Extensions.Logging;

namespace Raft.Transport.Tests;

/// <summary>
/// Captures a transport's log and lets a test await a particular line. The transport logs every connection event, so
/// awaiting its log line is how tests synchronise with things that have no other observable signal (a rejected
/// connection, a lost one) without sleeping.
/// </summary>
internal sealed class TestLogger : ILogger<PeerTransport>
{
    private readonly Lock gate = new();
    private readonly List<LogRecord> records = [];
    private readonly List<(Func<LogRecord, bool> Match, TaskCompletionSource<LogRecord> Done)> waiters = [];

    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (gate)
            {
                return [.. records];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var record = new LogRecord(logLevel, eventId.Name, formatter(state, exception), exception);
        List<TaskCompletionSource<LogRecord>> done = [];
        lock (gate)
        {
            records.Add(record);
            waiters.RemoveAll(w =>
            {
                if (!w.Match(record))
                {
                    return false;
                }

                done.Add(w.Done);
                return true;
            });
        }

        foreach (var tcs in done)
        {
            tcs.TrySetResult(record);
        }
    }

    /// <summary>Completes with the first record (already logged or to come) named <paramref name="eventName"/> that matches.</summary>
    public Task<LogRecord> WaitForAsync(string eventName, Func<LogRecord, bool>? match = null, TimeSpan? timeout = null)
    {
        bool Matches(LogRecord r) => r.EventName == eventName && (match?.Invoke(r) ?? true);
        var tcs = new TaskCompletionSource<LogRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            var existing = records.FirstOrDefault(Matches);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            waiters.Add((Matches, tcs));
        }

        return WithTimeout(tcs.Task, timeout ?? TestTimeouts.Event, $"log event {eventName}");
    }

    public int Count(string eventName) => Records.Count(r => r.EventName == eventName);

    private async Task<LogRecord> WithTimeout(Task<LogRecord> task, TimeSpan timeout, string what)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var log = string.Join(Environment.NewLine, Records.Select(r => $"  {r.Level} {r.EventName}: {r.Message}"));
            throw new TimeoutException($"Timed out after {timeout} waiting for {what}. Log so far:{Environment.NewLine}{log}");
        }
    }
}
