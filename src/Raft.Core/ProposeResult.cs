namespace Raft.Core;

/// <summary>
/// The outcome of a proposal. When accepted, commands went to indexes <see cref="FirstIndex"/>..<see cref="LastIndex"/> in
/// <see cref="Term"/>: a command succeeded once the entry at its index with this term is applied, and failed if another
/// term's entry is applied there.
/// </summary>
public readonly record struct ProposeResult(ProposeStatus Status, ulong FirstIndex, ulong LastIndex, ulong Term, ulong LeaderHint)
{
    public bool IsAccepted => Status == ProposeStatus.Accepted;
}
