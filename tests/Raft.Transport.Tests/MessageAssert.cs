using Raft.Core.Messages;

namespace Raft.Transport.Tests;

/// <summary>Field-by-field equality for messages (records with arrays and memory do not compare by content).</summary>
internal static class MessageAssert
{
    public static void Equal(Message expected, Message actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected, actual)
        {
            case (AppendEntries e, AppendEntries a):
                Assert.Equal(e with { Entries = [] }, a with { Entries = [] });
                Assert.Equal(e.Entries.Length, a.Entries.Length);
                for (var i = 0; i < e.Entries.Length; i++)
                {
                    Assert.Equal(e.Entries[i].Index, a.Entries[i].Index);
                    Assert.Equal(e.Entries[i].Term, a.Entries[i].Term);
                    Assert.Equal(e.Entries[i].Type, a.Entries[i].Type);
                    Assert.True(e.Entries[i].Data.Span.SequenceEqual(a.Entries[i].Data.Span), $"entry {i} data differs");
                }

                break;
            case (InstallSnapshot e, InstallSnapshot a):
                Assert.Equal((e.From, e.To, e.Term), (a.From, a.To, a.Term));
                Assert.Equal(e.Snapshot.Metadata.Index, a.Snapshot.Metadata.Index);
                Assert.Equal(e.Snapshot.Metadata.Term, a.Snapshot.Metadata.Term);
                Assert.Equal(e.Snapshot.Metadata.Configuration, a.Snapshot.Metadata.Configuration);
                Assert.Equal(e.Snapshot.Source.Length, a.Snapshot.Source.Length);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }
}
