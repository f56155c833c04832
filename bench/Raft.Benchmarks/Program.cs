using BenchmarkDotNet.Running;
using Raft.Benchmarks.Core;

namespace Raft.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "core-profile")
        {
            return CoreProfile.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
