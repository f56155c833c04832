using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Raft.Cli.Hosting;

/// <summary>The standard help, followed by the exit codes of the command it describes.</summary>
internal sealed class ExitCodeHelpAction : SynchronousCommandLineAction
{
    private readonly HelpAction standard;
    private readonly IReadOnlyDictionary<string, string> epilogues;

    public ExitCodeHelpAction(HelpAction standard, IReadOnlyDictionary<string, string> epilogues)
    {
        this.standard = standard;
        this.epilogues = epilogues;
    }

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        int result = standard.Invoke(parseResult);
        TextWriter output = parseResult.InvocationConfiguration.Output;
        string name = parseResult.CommandResult.Command is RootCommand ? "raft-cli" : parseResult.CommandResult.Command.Name;
        if (epilogues.TryGetValue(name, out string? epilogue))
        {
            output.WriteLine(epilogue);
            output.WriteLine();
        }

        output.WriteLine(ExitCodes.HelpFor(name));
        return result;
    }
}
