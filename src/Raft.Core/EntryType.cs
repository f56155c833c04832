namespace Raft.Core;

/// <summary>What a log entry carries.</summary>
public enum EntryType : byte
{
    /// <summary>A client command for the state machine.</summary>
    Command = 0,

    /// <summary>The empty entry a new leader appends so that it can commit entries of earlier terms (Raft paper, section 5.4.2).</summary>
    Noop = 1,

    /// <summary>A cluster configuration change (joint consensus); reserved for membership changes.</summary>
    Configuration = 2,
}
