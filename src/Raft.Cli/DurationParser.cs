using System.Globalization;

namespace Raft.Cli;

/// <summary>
/// Parses and prints durations as a user types them: <c>500ms</c>, <c>5s</c>, <c>1.5s</c>, <c>2m</c>, a bare number
/// of seconds (<c>5</c>), or a .NET time span (<c>00:00:05</c>).
/// </summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        string value = (text ?? string.Empty).Trim().ToLowerInvariant();
        if (value.Length == 0)
        {
            return false;
        }

        (string suffix, double unitMs)[] units = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)];
        foreach ((string suffix, double unitMs) in units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(value.AsSpan(0, value.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out double amount))
            {
                return TryCreate(amount * unitMs, out duration);
            }
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return TryCreate(seconds * 1_000, out duration);
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out duration);
    }

    public static string Format(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###}ms");
        }

        return duration < TimeSpan.FromMinutes(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.###}m");
    }

    private static bool TryCreate(double milliseconds, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (double.IsNaN(milliseconds) || double.IsInfinity(milliseconds) || milliseconds > TimeSpan.MaxValue.TotalMilliseconds || milliseconds < 0)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }
}
