using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Raft.Cli.Status;

/// <summary>Renders a <see cref="StatusReport"/> as a table, one row per node, with the errors of unreachable nodes below it.</summary>
internal static class StatusTable
{
    private const string Missing = "-";

    public static void Write(IAnsiConsole console, StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        string leader = report.LeaderId ?? "none";
        string term = report.Term is long t ? t.ToString(CultureInfo.InvariantCulture) : "?";
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title(new TableTitle($"Cluster via {report.QueriedAddress}: leader {leader}, term {term}"))
            .AddColumns("Node", "Address", "Role", "Term", "Leader", "Commit", "Applied", "Log", "Lag", "Replication");
        foreach (int column in new[] { 3, 5, 6, 7, 8 })
        {
            table.Columns[column].RightAligned();
        }

        foreach (NodeReport node in report.Nodes)
        {
            table.AddRow(Cells(node));
        }

        console.Write(table);
        foreach (NodeReport node in report.Nodes.Where(n => !n.Reachable))
        {
            console.WriteLine($"{node.NodeId} unreachable: {node.Error}");
        }
    }

    private static IEnumerable<IRenderable> Cells(NodeReport node)
    {
        string[] texts =
        [
            node.NodeId,
            node.Address ?? Missing,
            node.Reachable ? node.Role ?? Missing : "unreachable",
            Number(node.Term),
            node.LeaderId ?? Missing,
            Number(node.CommitIndex),
            Number(node.LastApplied),
            Number(node.LogLength),
            Number(node.Lag),
            Replication(node.Replication),
        ];
        Style style = node.Reachable ? Style.Plain : new Style(Color.Red);
        return texts.Select(text => (IRenderable)new Text(text, style));
    }

    private static string Number(long? value) => value is long v ? v.ToString(CultureInfo.InvariantCulture) : Missing;

    private static string Replication(ReplicationInfo? replication)
    {
        if (replication is null)
        {
            return Missing;
        }

        var parts = new List<string>();
        if (replication.MatchIndex is long match)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"match {match}"));
        }

        if (replication.NextIndex is long next)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"next {next}"));
        }

        if (!string.IsNullOrEmpty(replication.Progress))
        {
            parts.Add(replication.Progress);
        }

        return string.Join(", ", parts);
    }
}
