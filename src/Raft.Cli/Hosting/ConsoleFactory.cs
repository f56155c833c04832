using Spectre.Console;

namespace Raft.Cli.Hosting;

/// <summary>
/// A Spectre console over the host's standard output: colours and live widgets on a terminal, plain text
/// (no ANSI, wide enough for the status table) when the output is redirected.
/// </summary>
internal static class ConsoleFactory
{
    private const int RedirectedWidth = 160;

    public static IAnsiConsole Create(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        bool terminal = host.IsOutputTerminal;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(host.Output),
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
