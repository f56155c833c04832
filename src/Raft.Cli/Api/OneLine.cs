using System.Text;

namespace Raft.Cli.Api;

/// <summary>Turns text from the network into one bounded line fit for an error message.</summary>
internal static class OneLine
{
    private const int MaxLength = 300;

    public static string From(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(Math.Min(text.Length, MaxLength + 3));
        bool lastWasSpace = false;
        foreach (char c in text.Trim())
        {
            bool isSpace = char.IsWhiteSpace(c) || char.IsControl(c);
            if (isSpace && lastWasSpace)
            {
                continue;
            }

            builder.Append(isSpace ? ' ' : c);
            lastWasSpace = isSpace;
            if (builder.Length >= MaxLength)
            {
                builder.Append("...");
                break;
            }
        }

        return builder.ToString();
    }
}
