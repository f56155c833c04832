using System.Globalization;
using System.Text;

namespace Raft.Simulation.Tests.Linearizability;

/// <summary>
/// One client operation of a key-value history. Times are logical event numbers (distinct across the history and
/// increasing). <paramref name="CompletedAt"/> == null means the outcome is unknown: a Set/Delete may have taken effect
/// at any point after <paramref name="InvokedAt"/>, or never. A Get always has a completion time; <paramref name="Observed"/>
/// is the value it returned (null = key absent).
/// </summary>
public sealed record KvOperation(
    long Id,
    KvOperationKind Kind,
    string Key,
    string? Value,
    long InvokedAt,
    long? CompletedAt,
    string? Observed = null)
{
    /// <summary>A compact one-line rendering, e.g. <c>#12 Get(k) -> "v3" @[40..45]</c>.</summary>
    public string ToCompactString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{Id} ");
        switch (Kind)
        {
            case KvOperationKind.Set:
                text.Append(CultureInfo.InvariantCulture, $"Set({Key}, {FormatValue(Value)})");
                break;
            case KvOperationKind.Delete:
                text.Append(CultureInfo.InvariantCulture, $"Delete({Key})");
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"Get({Key}) -> {FormatValue(Observed)}");
                break;
        }

        var completed = CompletedAt is { } c ? c.ToString(CultureInfo.InvariantCulture) : "?";
        text.Append(CultureInfo.InvariantCulture, $" @[{InvokedAt}..{completed}]");
        if (CompletedAt is null)
        {
            text.Append(" (outcome unknown)");
        }

        return text.ToString();
    }

    internal static string FormatValue(string? value) => value is null ? "<absent>" : $"\"{value}\"";
}
