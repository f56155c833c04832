using System.Globalization;

namespace Raft.Server.Tests;

/// <summary>Reads samples out of a Prometheus text exposition.</summary>
internal static class PrometheusText
{
    /// <summary>The value of the sample <paramref name="name"/> without labels; fails the test if there is none.</summary>
    public static double Value(string exposition, string name)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == name)
            {
                return double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"metric {name} not found in:\n{exposition}");
        return double.NaN;
    }

    /// <summary>The declared type of <paramref name="name"/> (# TYPE line), or null.</summary>
    public static string? TypeOf(string exposition, string name) =>
        exposition.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 4 && parts[0] == "#" && parts[1] == "TYPE" && parts[2] == name)
            .Select(parts => parts[3])
            .FirstOrDefault();
}
