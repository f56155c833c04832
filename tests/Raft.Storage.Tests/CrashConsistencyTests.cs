using Raft.Core;
using Raft.Storage.Testing;
using static Raft.Storage.Tests.TestData;

namespace Raft.Storage.Tests;

/// <summary>
/// A scripted workload is cut short by a power loss at every one of its writes, syncs, creations, renames and deletions
/// in turn. Recovery must then find every acknowledged operation, and of the operation that was in flight either nothing
/// or something it could legitimately have left (a prefix of a batch's entries, say), and never anything else.
/// </summary>
public sealed class CrashConsistencyTests
{
    private static readonly Step[] Workload =
    [
        new SaveStep(new HardState(1, 1, 0), []),
        new SaveStep(null, Entries(1, 3, 1, size: 40)),
        new SaveStep(new HardState(1, 1, 2), Entries(4, 4, 1, size: 500)),
        new SaveStep(null, Entries(5, 12, 1, size: 150)),
        new SaveStep(null, Entries(13, 20, 1, size: 300)),
        new SaveStep(new HardState(2, 2, 10), []),
        new SaveStep(null, Entries(15, 18, 2, size: 60, salt: 1)),
        new SaveStep(new HardState(2, 2, 12), Entries(19, 30, 2, size: 200)),
        new SaveSnapshotStep(Snapshot(12, 1, 3000)),
        new CompactStep(12),
        new RestartStep(),
        new SaveStep(new HardState(3, 0, 25), Entries(31, 31, 3, size: 10)),
        new SaveStep(null, Entries(32, 45, 3, size: 250)),
        new SaveStep(null, Entries(46, 60, 3, size: 250)),

        // Replaces a suffix spanning whole segments, which then hold nothing live; compacting past the replacement point
        // deletes them, and a crash part-way through that must still replay.
        new SaveStep(null, Entries(28, 40, 4, size: 180, salt: 2)),
        new SaveStep(new HardState(4, 3, 40), Entries(41, 50, 4, size: 90)),
        new SaveSnapshotStep(Snapshot(35, 4, 1500)),
        new CompactStep(35),
        new InstallStep(Snapshot(70, 5, 6000, new ClusterConfiguration([1, 2, 3]))),
        new SaveStep(new HardState(5, 5, 70), Entries(71, 80, 5, size: 220)),
        new SaveSnapshotStep(Snapshot(75, 5, 2000)),
        new CompactStep(75),
        new SaveStep(new HardState(5, 5, 85), Entries(81, 95, 5, size: 120)),
        new RestartStep(),
        new SaveStep(null, Entries(96, 100, 5, size: 700)),

        // With preallocation, compaction hands the files of obsolete segments to later rolls: rolls for full segments,
        // for a replaced suffix and for a snapshot installation go into recycled files, whose stale records follow the
        // log's end; a restart then recovers a log whose active segment is a recycled file.
        new SaveStep(null, Entries(101, 108, 5, size: 200)),
        new SaveStep(new HardState(5, 5, 100), Entries(109, 116, 5, size: 200)),
        new SaveStep(null, Entries(117, 124, 5, size: 200)),
        new SaveSnapshotStep(Snapshot(115, 5, 700)),
        new CompactStep(115),
        new SaveStep(new HardState(6, 6, 118), Entries(125, 132, 6, size: 150)),
        new SaveStep(null, Entries(133, 140, 6, size: 150)),
        new SaveStep(null, Entries(121, 128, 7, size: 170, salt: 3)),
        new SaveStep(new HardState(7, 7, 125), Entries(129, 136, 7, size: 190)),
        new SaveSnapshotStep(Snapshot(125, 7, 900)),
        new CompactStep(125),
        new SaveStep(null, Entries(137, 144, 7, size: 210)),
        new InstallStep(Snapshot(160, 8, 1200)),
        new SaveStep(new HardState(8, 8, 160), Entries(161, 170, 8, size: 230)),
        new SaveStep(null, Entries(171, 180, 8, size: 230)),
        new SaveSnapshotStep(Snapshot(175, 8, 600)),
        new CompactStep(175),
        new SaveStep(null, Entries(181, 190, 8, size: 230)),
        new RestartStep(),
        new SaveStep(null, Entries(191, 195, 8, size: 240)),
    ];

    private interface Step;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryAcknowledgedWriteSurvivesACrashAtAnyPoint(bool preallocate)
    {
        var options = Options(new FaultInjectingFileSystem(), segmentSize: 4096, preallocate: preallocate);
        var points = CountCrashPoints(options, Workload);
        Assert.True(points > 150, $"only {points} crash points");
        if (preallocate)
        {
            var rolls = RollsIntoRecycledFiles(options, Workload);
            Assert.True(rolls >= 4, $"only {rolls} rolls into recycled files");
        }
        for (long point = 1; point <= points; point++)
        {
            var fileSystem = new FaultInjectingFileSystem();
            var (acknowledged, inFlight) = Run(fileSystem, options, Workload, point);
            fileSystem.Crash();
            CheckRecovery(fileSystem, options, acknowledged, inFlight, $"crash at operation {point}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CrashesThatKeepPartOfTheUnsyncedDataRecoverToo(bool preallocate)
    {
        var options = Options(new FaultInjectingFileSystem(), segmentSize: 4096, preallocate: preallocate);
        var points = CountCrashPoints(options, Workload);
        for (long point = 1; point <= points; point++)
        {
            for (var seed = 0; seed < 3; seed++)
            {
                var fileSystem = new FaultInjectingFileSystem();
                var (acknowledged, inFlight) = Run(fileSystem, options, Workload, point);
                fileSystem.Crash(new Random((int)(point * 7) + seed));
                var repairs = CheckRecovery(fileSystem, options, acknowledged, inFlight, $"crash at operation {point}, seed {seed}");

                // If recovery repaired something, crash it at each of its own writes too: repair must be restartable.
                for (long repair = 1; repair <= repairs; repair++)
                {
                    var again = new FaultInjectingFileSystem();
                    Run(again, options, Workload, point);
                    again.Crash(new Random((int)(point * 7) + seed));
                    var start = again.OperationCount;
                    again.Fault = operation => operation.IsMutation && operation.Sequence == start + repair ? new PowerLoss() : null;
                    Assert.ThrowsAny<IOException>(() => FileLogStore.Open(Root, options with { FileSystem = again }).Dispose());
                    again.Fault = null;
                    again.Crash(new Random(seed));
                    CheckRecovery(again, options, acknowledged, inFlight, $"crash at operation {point}, seed {seed}, then during recovery at its write {repair}");
                }
            }
        }
    }

    [Fact]
    public void CompletedWorkloadSurvivesACrashWhole()
    {
        var fileSystem = new FaultInjectingFileSystem();
        var options = Options(fileSystem, segmentSize: 4096);
        var (acknowledged, inFlight) = Run(fileSystem, options, Workload, long.MaxValue);
        Assert.Null(inFlight);

        fileSystem.Crash(new Random(1));

        CheckRecovery(fileSystem, options, acknowledged, null, "crash after the workload");
    }

    [Fact]
    public void RandomWorkloadsSurviveCrashesAtRandomPoints()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var random = new Random(seed);
            var workload = RandomWorkload(random);
            var options = Options(new FaultInjectingFileSystem(), segmentSize: 4096 + random.Next(8192), preallocate: random.Next(2) == 0);
            var points = CountCrashPoints(options, workload);
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var point = 1 + random.NextInt64(points);
                var fileSystem = new FaultInjectingFileSystem();
                var (acknowledged, inFlight) = Run(fileSystem, options, workload, point);
                fileSystem.Crash(random.Next(2) == 0 ? null : new Random(attempt));
                CheckRecovery(fileSystem, options, acknowledged, inFlight, $"seed {seed}, crash at operation {point} of {points}");
            }
        }
    }

    private static Step[] RandomWorkload(Random random)
    {
        var model = new LogModel();
        var steps = new List<Step>();
        ulong term = 1;
        for (var i = 0; i < 40; i++)
        {
            Step step;
            var commit = model.ExpectedHardState.Commit;
            switch (random.Next(10))
            {
                case < 6:
                    // Only entries after the commit index may be replaced, as in Raft.
                    var back = Math.Min(random.Next(3) == 0 ? random.Next(6) : 0, (int)(model.LastIndex - Math.Max(model.Boundary, commit)));
                    var first = model.LastIndex + 1 - (ulong)back;
                    term += back > 0 || random.Next(5) == 0 ? 1UL : 0;
                    var entries = Entries(first, first + (ulong)random.Next(10), term, size: random.Next(600), salt: i);
                    HardState? hardState = random.Next(2) == 0 ? new HardState(term, 1, Math.Min(entries[^1].Index, commit + (ulong)random.Next(8))) : null;
                    step = new SaveStep(hardState, entries);
                    model.Save(hardState, entries);
                    break;
                case 6 when commit > model.Snapshot.Index:
                    var index = model.Snapshot.Index + 1 + (ulong)random.Next((int)(commit - model.Snapshot.Index));
                    var snapshot = Snapshot(index, model.Term(index), random.Next(3000));
                    step = new SaveSnapshotStep(snapshot);
                    model.SaveSnapshot(snapshot.Metadata);
                    break;
                case 7 when model.Snapshot.Index > model.Boundary:
                    var upTo = model.Boundary + 1 + (ulong)random.Next((int)(model.Snapshot.Index - model.Boundary));
                    step = new CompactStep(upTo);
                    model.Compact(upTo);
                    break;
                case 8 when random.Next(3) == 0:
                    term++;
                    var installed = Snapshot(model.LastIndex + (ulong)random.Next(1, 30), term, random.Next(4000));
                    step = new InstallStep(installed);
                    model.InstallSnapshot(installed.Metadata);
                    break;
                case 9:
                    step = new RestartStep();
                    model.Compact(model.Snapshot.Index);
                    break;
                default:
                    continue;
            }

            steps.Add(step);
        }

        return [.. steps];
    }

    // How many times the workload, run to the end, renames a recycled file into place as a new segment.
    private static int RollsIntoRecycledFiles(FileLogStoreOptions options, Step[] workload)
    {
        var fileSystem = new FaultInjectingFileSystem();
        var rolls = 0;
        var recycled = Path.Combine(Root, "wal", Wal.SegmentAllocator.RecycledPrefix);
        Run(fileSystem, options, workload, long.MaxValue, operation =>
        {
            rolls += operation.Kind == FileSystemOperationKind.Rename && operation.Path.StartsWith(recycled, StringComparison.Ordinal) ? 1 : 0;
        });
        return rolls;
    }

    private static long CountCrashPoints(FileLogStoreOptions options, Step[] workload)
    {
        var fileSystem = new FaultInjectingFileSystem();
        Run(fileSystem, options, workload, long.MaxValue);
        return fileSystem.OperationCount;
    }

    // Runs the workload until the power fails at mutation number `crashAt`; returns what had been acknowledged and the
    // step that was in flight.
    private static (LogModel Acknowledged, Step? InFlight) Run(FaultInjectingFileSystem fileSystem, FileLogStoreOptions options, Step[] workload, long crashAt, Action<FileSystemOperation>? observe = null)
    {
        options = options with { FileSystem = fileSystem };
        fileSystem.Fault = operation =>
        {
            observe?.Invoke(operation);
            return operation.IsMutation && operation.Sequence == crashAt ? new PowerLoss() : null;
        };
        var model = new LogModel();
        Step? inFlight = new RestartStep();
        FileLogStore? store = null;
        try
        {
            store = FileLogStore.Open(Root, options);
            foreach (var step in workload)
            {
                inFlight = step;
                switch (step)
                {
                    case SaveStep save:
                        store.Save(save.HardState, save.Entries);
                        model.Save(save.HardState, save.Entries);
                        break;
                    case SaveSnapshotStep snapshot:
                        store.SaveSnapshot(snapshot.Snapshot);
                        model.SaveSnapshot(snapshot.Snapshot.Metadata);
                        break;
                    case InstallStep install:
                        store.InstallSnapshot(install.Snapshot);
                        model.InstallSnapshot(install.Snapshot.Metadata);
                        break;
                    case CompactStep compact:
                        store.Compact(compact.Index);
                        model.Compact(compact.Index);
                        break;
                    case RestartStep:
                        store.Dispose();
                        store = null;
                        store = FileLogStore.Open(Root, options);
                        break;
                }

                inFlight = null;
            }
        }
        catch (IOException e) when (e is PowerLoss || e.InnerException is PowerLoss)
        {
            Assert.True(store is null || store.IsFailed || inFlight is RestartStep, "a failed write must leave the store fail-stop");
        }
        finally
        {
            fileSystem.Fault = null;
            store?.Dispose();
        }

        return (model, inFlight);
    }

    // Opens the store (recovery), checks what it holds, and returns how many changes recovery made to the disk.
    private static long CheckRecovery(FaultInjectingFileSystem fileSystem, FileLogStoreOptions options, LogModel acknowledged, Step? inFlight, string when)
    {
        options = options with { FileSystem = fileSystem };
        LogModel? recovered = null;
        var differences = new List<string>();
        var before = fileSystem.OperationCount;
        long repairs;
        using (var store = FileLogStore.Open(Root, options))
        {
            repairs = fileSystem.OperationCount - before;
            foreach (var candidate in Candidates(acknowledged, inFlight))
            {
                candidate.Compact(candidate.Snapshot.Index);
                var difference = candidate.Differences(store);
                if (difference is null)
                {
                    recovered = candidate;
                    break;
                }

                differences.Add(difference);
            }

            Assert.True(recovered is not null, $"{when}: recovered state matches nothing acknowledged or in flight: {string.Join("; ", differences)}");

            // The recovered store must be fully usable: it takes a write that the next recovery finds.
            var next = Entry(recovered.LastIndex + 1, Math.Max(recovered.Term(recovered.LastIndex), recovered.HardState.Term), size: 33, salt: 9);
            store.Save(null, [next]);
            recovered.Save(null, [next]);
        }

        using var reopened = FileLogStore.Open(Root, options);
        var afterwards = recovered.Differences(reopened);
        Assert.True(afterwards is null, $"{when}: after one more write and reopen: {afterwards}");
        return repairs;
    }

    // The states a crash during `inFlight` may legitimately leave behind.
    private static IEnumerable<LogModel> Candidates(LogModel acknowledged, Step? inFlight)
    {
        yield return acknowledged.Clone();
        switch (inFlight)
        {
            case SaveStep save:
                for (var count = 1; count <= save.Entries.Length; count++)
                {
                    var partial = acknowledged.Clone();
                    partial.Save(null, save.Entries[..count]);
                    yield return partial;
                }

                if (save.HardState is not null)
                {
                    var whole = acknowledged.Clone();
                    whole.Save(save.HardState, save.Entries);
                    yield return whole;
                }

                break;
            case SaveSnapshotStep snapshot:
                var saved = acknowledged.Clone();
                saved.SaveSnapshot(snapshot.Snapshot.Metadata);
                yield return saved;
                break;
            case InstallStep install:
                var installed = acknowledged.Clone();
                installed.InstallSnapshot(install.Snapshot.Metadata);
                yield return installed;
                break;
        }
    }

    private sealed record SaveStep(HardState? HardState, LogEntry[] Entries) : Step;

    private sealed record SaveSnapshotStep(Snapshot Snapshot) : Step;

    private sealed record InstallStep(Snapshot Snapshot) : Step;

    private sealed record CompactStep(ulong Index) : Step;

    private sealed record RestartStep : Step;

    private sealed class PowerLoss() : IOException("Power lost (simulated).");
}
