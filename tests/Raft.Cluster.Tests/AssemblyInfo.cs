// Each test runs a cluster of real processes on a 2-core machine; running two at once would turn timing bounds into noise.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
