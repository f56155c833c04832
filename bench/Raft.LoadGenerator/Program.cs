using Raft.LoadGenerator;

// raft-loadgen: the closed-loop HTTP load generator of the cluster benchmark (bench/cluster-bench.sh), plus the fsync floor
// probe and the table that puts our figures beside etcd's.
try
{
    switch (args)
    {
        case ["fsync", .. var rest]:
            return FsyncProbe.Run(rest);
        case ["table", .. var rest]:
            return ResultTable.Run(rest);
        case ["-h" or "--help" or "help", ..]:
            Console.WriteLine(LoadOptions.Usage);
            return 0;
        default:
            var options = LoadOptions.Parse(args is ["run", .. var runArgs] ? runArgs : args);
            using (var cancel = new CancellationTokenSource())
            {
                Console.CancelKeyPress += (_, e) =>
                {
                    e.Cancel = true;
                    cancel.Cancel();
                };
                var result = await new LoadRunner(options).RunAsync(cancel.Token).ConfigureAwait(false);
                Console.WriteLine(options.Json ? result.ToJson() : result.ToText());
                return result.Successes > 0 ? 0 : 1;
            }
    }
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"raft-loadgen: {e.Message}\n\n{LoadOptions.Usage}").ConfigureAwait(false);
    return 64;
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync($"raft-loadgen: {e.Message}").ConfigureAwait(false);
    return 1;
}
