using LiftPipeline.Bench;

// Benchmarks of LiftPipeline, one subcommand each. Always run in Release:
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- ingest [--rows N] [--runs R] [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- experiment-stats [--rows N,M] [--runs R] [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- simulate [--reps N] [--out FILE]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- mc [--runs R] [--case-limit S]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- sdid [--replications R] [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- scale [--max-seconds S] [--estimators a,b] [--sizes 1000x200,5000x100] [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- t-power [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- pipeline [--campaigns N] [--records R] [--holdout-rows N] [--geo-only|--holdout-only] [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- design [--runs R] [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- fanout [--shards S] [--workers W] [--rows N] [--no-results]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- audience-assign [--rows N] [--runs R]
//   dotnet run -c Release --project bench/LiftPipeline.Bench -- audience-build [--rows N] [--runs R]
if (args.Length >= 2 && args[0] is PeakMemory.Mode or PeakMemory.StatisticsMode or PeakMemory.DuckDbMode)
{
    int workers = args.Length >= 4 && args[2] == "--workers" ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
    return await PeakMemory.ChildAsync(args[1], workers, args[0]);
}

if (args.Length >= 8 && args[0] == ScaleBenchmark.ChildMode)
{
    return ScaleBenchmark.Child(args[1..]);
}

if (args.Length >= 2 && args[0] == McBenchmark.ChildMode)
{
    return McBenchmark.Child(args[1]);
}

if (args.Length >= 6 && args[0] == FanoutBenchmark.WorkerMode)
{
    return await FanoutBenchmark.WorkerAsync(args);
}

if (args.Length >= 3 && args[0] == PipelineBenchmark.PassMode)
{
    return await PipelineBenchmark.ChildAsync(args[1], args[2], args.Contains("--forget-measurements"));
}

string? command = args.Length > 0 ? args[0] : null;
switch (command)
{
    case "ingest":
        return await IngestBenchmark.RunAsync(args[1..]);
    case "experiment-stats":
        return await ExperimentStatsBenchmark.RunAsync(args[1..]);
    case "simulate":
        return SimulateCommand.Run(args[1..]);
    case "mc":
        return await McBenchmark.RunAsync(args[1..]);
    case "sdid":
        return SdidBenchmark.Run(args[1..]);
    case "scale":
        return ScaleBenchmark.Run(args[1..]);
    case "t-power":
        return TPowerBenchmark.Run(args[1..]);
    case "pipeline":
        return await PipelineBenchmark.RunAsync(args[1..]);
    case "design":
        return DesignBenchmark.Run(args[1..]);
    case "fanout":
        return await FanoutBenchmark.RunAsync(args[1..]);
    case "audience-assign":
        return await AudienceAssignBenchmark.RunAsync(args[1..]);
    case "audience-build":
        return await AudienceBuildBenchmark.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("""
            usage: LiftPipeline.Bench <benchmark> [options]

            benchmarks:
              ingest   streaming ingestion + per-arm sums vs DuckDB (1 thread and all threads) on a Snappy export
                       --rows N        rows in the generated export (default 10000000)
                       --runs R        timed runs per contender after one warm-up (default 5)
                       --small-rows M  the smaller export for the peak-memory comparison (default rows/4)
                       --plain-strings write/read the string columns PLAIN instead of dictionary-encoded
                       --results / --no-results
                                       write bench/RESULTS.md (default: only at the default --rows and --runs)
              experiment-stats
                       the full per-cell statistics pass (arm x segment x surface: n, sums of squares, CUPED and ratio
                       cross products, exposure, quantile sketches) vs DuckDB GROUP BY at 1 thread, in process CPU time;
                       lift inspect (one pass) vs a DuckDB full scan; peak RSS of ours (default GC and lift's
                       ConserveMemory) and of DuckDB, each in a fresh child process, at every size
                       --rows N,M      export sizes (default 10000000,50000000; generated once into bench/.data)
                       --runs R        timed runs per contender after one warm-up (default 3; inspect R-1)
                       --results / --no-results  write bench/RESULTS.md (default: only at the default sizes and runs)
              simulate bias, RMSE, coverage and size of every estimator × variance method on factor-model panels
                       --reps N          panels per design (default 1000)
                       --variance-reps R replications per variance method (default 200)
                       --seed S          (default 1)
                       --estimators a,b  --variances x,y   subsets by name (default all registered)
                       --n0 --n1 --t0 --t1  panel shape (default 39, 1, 30, 10)
                       --out FILE        also write the markdown table there
              mc       matrix completion with cross-validation on a simulated 100 x 140 panel, TROP tuning + estimate on Prop99,
                       then TROP tuned at 1000 x 200 and MC at 5000 x 100 in child processes (CPU time, peak RSS)
                       --runs R        timed runs after one warm-up (default 3); always writes bench/RESULTS.md
                       --case-limit S  stop a scale case after S seconds of wall time (default 900)
              pipeline lift run over 100 and 1,000 campaigns (two sample exports each): first pass, no-op pass (same run
                       id, then a new run id: measurements reused), and the no-op pass again with 50,000 old delivery
                       records; then 100 campaigns plus a holdout with the 10M-row ingest export, each pass in a child
                       process (CPU, wall, GC allocated, peak RSS): first, no-op (same id, new id), and a new-id pass with
                       the stored measurements deleted (every campaign measured again: the cost before reuse)
                       --campaigns N   one geo size only    --records R   old delivery records (default 50000)
                       --holdout-rows N  rows of the holdout export (default 10000000)
                       --geo-only / --holdout-only  one of the two cases
                       --no-results    do not write bench/RESULTS.md
              design   geo market selection: GeoLift's published walkthrough (330 simulations x 1000 permutations) vs GeoLift's
                       published 12 s, cost per simulation as lookback windows grow, and a 210-market x 365-day panel
                       --runs R        timed runs of the walkthrough after one warm-up (default 5)
                       --no-results    do not write bench/RESULTS.md
              fanout   a simulated 1-billion-row holdout: S shards of the ingest export reduced by W worker processes (one
                       thread each, stored partial statistics), then merged; time and peak RSS per worker, merge cost vs
                       re-reading the rows, and a check that the merged counts are the sum of the shards'
                       --shards S      shards (default 100; every shard is the same cached file under its own name)
                       --workers W     worker processes (default: the processor count)
                       --rows N        rows per shard (default 10000000)
                       --results / --no-results  write bench/RESULTS.md (default: only at the default shards and rows)
              audience-assign
                       holdout assignment (SHA-256 of salt.customer_id, bucket, arm) over a customers export vs DuckDB
                       running the same definition in SQL, one thread each, CPU time: arm counts, and writing the file
                       --rows N        customers in the generated export (default 10000000)
                       --runs R        timed runs per contender (default 3); prints the table, writes no results file
              audience-build
                       an audience refresh (Bargain hunters, Young adults, an RFM segment) over a customers export vs
                       DuckDB running the same SQL (NTILE with the id tie-break), one thread each, CPU time, members file
                       --rows N        customers in the generated export (default 10000000)
                       --runs R        timed runs per contender (default 3)
              t-power  t-test sample size per group: bracket from the normal approximation vs the fixed bracket [2, 1e7]
                       --no-results    do not write bench/RESULTS.md
              sdid     SDID + 200 placebo replications (reference and exact solvers) on Prop99 and four simulated
                       panels (up to 1050 x 250) vs the synthdid R package's timings
                       --replications R  placebo replications (default 200; the R timings are for 200)
                       --results / --no-results
                                       write bench/RESULTS.md (default: only at 200 replications)
              scale    every estimator, point estimate and 200 placebo replications, on simulated 1000 x 200 and
                       5000 x 100 panels; each case in a child process: CPU time and peak RSS beside the issue's figures
                       --max-seconds S   wall-time budget per case; a slower case is killed, "over budget" (default 120)
                       --estimators a,b  --sizes 1000x200,5000x100   subsets (then RESULTS.md is not written)
                       --replications R  placebo replications (default 200; then RESULTS.md is not written)
                       --no-results      do not write bench/RESULTS.md
            """);
        return command is null or "-h" or "--help" ? 0 : 2;
}
