using System.Text;

namespace Raft.Server;

/// <summary>The core names nodes by non-zero 64-bit ids; the server by strings. The id is a stable hash of the name.</summary>
public static class NodeIds
{
    public static ulong FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);

        // FNV-1a: stable across processes and versions (string.GetHashCode is randomised per process).
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash == 0 ? 1 : hash;
    }
}
