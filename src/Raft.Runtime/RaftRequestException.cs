namespace Raft.Runtime;

/// <summary>A proposal or read that did not succeed, with the reason and, for <see cref="RaftFailureReason.NotLeader"/>, the leader.</summary>
public sealed class RaftRequestException : Exception
{
    public RaftRequestException(RaftFailureReason reason, string message, ulong leaderId = 0)
        : base(message)
    {
        Reason = reason;
        LeaderId = leaderId;
    }

    public RaftRequestException()
        : this(RaftFailureReason.NoLeader, "No leader.")
    {
    }

    public RaftRequestException(string message)
        : this(RaftFailureReason.NoLeader, message)
    {
    }

    public RaftRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = RaftFailureReason.StorageFailed;
    }

    public RaftFailureReason Reason { get; }

    public ulong LeaderId { get; }

    /// <summary>True when a write failed in a way that says nothing about whether it took effect.</summary>
    public bool OutcomeUnknown => Reason is RaftFailureReason.Timeout or RaftFailureReason.ShuttingDown or RaftFailureReason.StorageFailed;
}
