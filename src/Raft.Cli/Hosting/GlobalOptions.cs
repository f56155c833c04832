using System.CommandLine;
using Raft.Cli.Api;

namespace Raft.Cli.Hosting;

/// <summary>The options every command accepts: <c>--address</c> (default <c>$RAFT_ADDRESS</c>, else http://127.0.0.1:8080) and <c>--timeout</c>.</summary>
internal sealed class GlobalOptions
{
    public const string DefaultAddress = "http://127.0.0.1:8080";
    public const string AddressVariable = "RAFT_ADDRESS";
    public const string DefaultTimeout = "5s";

    public GlobalOptions(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Address = new Option<string>("--address", "-a")
        {
            Description = $"HTTP address of the node to talk to (host:port is enough). Defaults to ${AddressVariable}, else {DefaultAddress}.",
            HelpName = "url",
            Recursive = true,
            DefaultValueFactory = _ =>
            {
                string? fromEnvironment = host.GetEnvironmentVariable(AddressVariable);
                return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultAddress : fromEnvironment.Trim();
            },
        };
        Address.Validators.Add(result =>
        {
            string? text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (text is not null && !RaftApiClient.TryParseAddress(text, out _, out string error))
            {
                result.AddError($"Invalid --address: {error}.");
            }
        });

        Timeout = new Option<string>("--timeout", "-t")
        {
            Description = "How long to wait for each answer, e.g. 500ms, 5s, 1m (a bare number is seconds).",
            HelpName = "duration",
            Recursive = true,
            DefaultValueFactory = _ => DefaultTimeout,
        };
        Timeout.Validators.Add(result =>
        {
            string? text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : null;
            if (text is not null && !TryParseTimeout(text, out _))
            {
                result.AddError($"Invalid --timeout '{text}': expected a positive duration such as 500ms, 5s or 1m.");
            }
        });
    }

    public Option<string> Address { get; }

    public Option<string> Timeout { get; }

    /// <summary>
    /// Reads both options. The only failure left after parsing is an invalid <c>$RAFT_ADDRESS</c>, which is
    /// reported on stderr like a parse error.
    /// </summary>
    public bool TryResolve(ParseResult parseResult, CliHost host, out ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(host);
        settings = null!;
        string addressText = parseResult.GetValue(Address) ?? DefaultAddress;
        if (!RaftApiClient.TryParseAddress(addressText, out Uri address, out string error))
        {
            host.Error.WriteLine($"error: invalid address (--address or ${AddressVariable}): {error}");
            return false;
        }

        if (!TryParseTimeout(parseResult.GetValue(Timeout) ?? DefaultTimeout, out TimeSpan timeout))
        {
            host.Error.WriteLine("error: invalid --timeout");
            return false;
        }

        settings = new ConnectionSettings(address, timeout);
        return true;
    }

    private static bool TryParseTimeout(string text, out TimeSpan timeout) =>
        DurationParser.TryParse(text, out timeout) && timeout > TimeSpan.Zero;
}
