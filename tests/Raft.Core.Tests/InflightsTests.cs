namespace Raft.Core.Tests;

public sealed class InflightsTests
{
    [Fact]
    public void FullByCount()
    {
        var inflights = new Inflights(3, long.MaxValue);

        inflights.Add(1, 10);
        inflights.Add(2, 10);
        Assert.False(inflights.IsFull);
        inflights.Add(3, 10);

        Assert.True(inflights.IsFull);
        Assert.Throws<InvalidOperationException>(() => inflights.Add(4, 10));

        inflights.FreeUpTo(1);
        Assert.False(inflights.IsFull);
        Assert.Equal((2, 20L), (inflights.Count, inflights.Bytes));
    }

    [Fact]
    public void FullByBytes()
    {
        var inflights = new Inflights(10, 100);

        inflights.Add(1, 60);
        Assert.False(inflights.IsFull);
        inflights.Add(2, 40);
        Assert.True(inflights.IsFull);
        Assert.Equal((2, 100L), (inflights.Count, inflights.Bytes));

        inflights.FreeUpTo(1);
        Assert.False(inflights.IsFull);
        Assert.Equal((1, 40L), (inflights.Count, inflights.Bytes));
    }

    [Fact]
    public void FreeUpToFreesEveryMessageAtOrBelowTheIndexAndNothingElse()
    {
        var inflights = new Inflights(5, long.MaxValue);
        inflights.Add(3, 1);
        inflights.Add(6, 2);
        inflights.Add(9, 4);

        inflights.FreeUpTo(2); // below the first: nothing
        Assert.Equal(3, inflights.Count);

        inflights.FreeUpTo(7); // frees 3 and 6, keeps 9
        Assert.Equal((1, 4L), (inflights.Count, inflights.Bytes));

        inflights.FreeUpTo(100);
        Assert.Equal((0, 0L), (inflights.Count, inflights.Bytes));
    }

    [Fact]
    public void WrapsAroundTheRing()
    {
        var inflights = new Inflights(3, long.MaxValue);
        inflights.Add(1, 1);
        inflights.Add(2, 2);
        inflights.Add(3, 4);
        inflights.FreeUpTo(2);

        inflights.Add(4, 8); // these two go to slots 0 and 1, after slot 2 (index 3)
        inflights.Add(5, 16);
        Assert.True(inflights.IsFull);
        Assert.Equal((3, 28L), (inflights.Count, inflights.Bytes));

        inflights.FreeUpTo(4); // frees index 3 (slot 2) then wraps to index 4 (slot 0)
        Assert.Equal((1, 16L), (inflights.Count, inflights.Bytes));

        inflights.Add(6, 32);
        inflights.Add(7, 64);
        Assert.True(inflights.IsFull);

        inflights.FreeFirst();
        Assert.Equal((2, 96L), (inflights.Count, inflights.Bytes));
        inflights.FreeUpTo(6);
        Assert.Equal((1, 64L), (inflights.Count, inflights.Bytes));
        inflights.FreeUpTo(7);
        Assert.Equal((0, 0L), (inflights.Count, inflights.Bytes));
    }

    [Fact]
    public void ManyCyclesKeepCountAndBytesExact()
    {
        var inflights = new Inflights(4, 1000);
        ulong next = 1, freed = 0;
        for (var round = 0; round < 50; round++)
        {
            while (!inflights.IsFull)
            {
                inflights.Add(next++, 10);
            }

            Assert.Equal((4, 40L), (inflights.Count, inflights.Bytes));
            freed += (ulong)(round % 4) + 1; // free 1..4 messages
            inflights.FreeUpTo(freed);
            Assert.Equal((int)(next - 1 - freed), inflights.Count);
            Assert.Equal(inflights.Count * 10L, inflights.Bytes);
        }
    }

    [Fact]
    public void ResetEmptiesTheWindow()
    {
        var inflights = new Inflights(2, long.MaxValue);
        inflights.Add(1, 5);
        inflights.Add(2, 5);

        inflights.Reset();

        Assert.Equal((0, 0L), (inflights.Count, inflights.Bytes));
        Assert.False(inflights.IsFull);
        inflights.Add(3, 5);
        inflights.Add(4, 5);
        Assert.True(inflights.IsFull);
    }
}
