namespace Raft.Server;

/// <summary>The server's configuration is invalid; the message says which setting and how to fix it.</summary>
public sealed class ServerConfigurationException : Exception
{
    public ServerConfigurationException()
    {
    }

    public ServerConfigurationException(string message)
        : base(message)
    {
    }

    public ServerConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
