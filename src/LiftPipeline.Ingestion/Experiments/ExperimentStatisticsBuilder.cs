using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Ingestion.Experiments;

/// <summary>
/// Reduces an experiment export to its <see cref="ExperimentStatistics"/> in one pass over the row groups, in parallel:
/// each worker has its own <see cref="ExperimentExportReader"/> and partial statistics, takes the next unread row group
/// until none is left, and the partials are merged by category name at the end. Memory follows the row-group size and
/// the number of cells, never the number of rows.
/// </summary>
public static class ExperimentStatisticsBuilder
{
    /// <summary>
    /// Reduces <paramref name="file"/>. Its row groups are decoded one at a time (an <see cref="ExportFile"/> is one stream),
    /// while other workers accumulate theirs; for fully parallel decoding use the overload that opens a file per worker.
    /// </summary>
    /// <exception cref="ExportValidationException">The export breaks the contract (named column and rows).</exception>
    public static async Task<ExperimentStatistics> ComputeAsync(ExportFile file, ExperimentExportOptions? exportOptions = null,
        ExperimentStatisticsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var gate = new SemaphoreSlim(1, 1);
        return await RunAsync(_ => Task.FromResult(file), owned: false, gate, file.RowGroupCount, exportOptions, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reduces the export that <paramref name="openFile"/> opens; each worker opens its own copy (and disposes it), so
    /// decoding runs in parallel too.
    /// </summary>
    /// <exception cref="ExportValidationException">The export breaks the contract (named column and rows).</exception>
    public static async Task<ExperimentStatistics> ComputeAsync(Func<CancellationToken, Task<ExportFile>> openFile, ExperimentExportOptions? exportOptions = null,
        ExperimentStatisticsOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openFile);
        int rowGroups;
        await using (var probe = await openFile(cancellationToken).ConfigureAwait(false))
        {
            rowGroups = probe.RowGroupCount;
        }
        return await RunAsync(openFile, owned: true, gate: null, rowGroups, exportOptions, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reduces the export at <paramref name="path"/>, each worker with its own file handle.</summary>
    /// <exception cref="ExportValidationException">The file cannot be read or breaks the contract.</exception>
    public static Task<ExperimentStatistics> ComputeAsync(string path, ExperimentExportOptions? exportOptions = null,
        ExperimentStatisticsOptions? options = null, CancellationToken cancellationToken = default) =>
        ComputeAsync(ct => ExportFile.OpenAsync(path, (exportOptions ?? new ExperimentExportOptions()).Limits, ct), exportOptions, options, cancellationToken);

    private static async Task<ExperimentStatistics> RunAsync(Func<CancellationToken, Task<ExportFile>> openFile, bool owned, SemaphoreSlim? gate, int rowGroups,
        ExperimentExportOptions? exportOptions, ExperimentStatisticsOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ExperimentStatisticsOptions();
        exportOptions ??= new ExperimentExportOptions();
        if (options.MaxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1");
        }
        var range = options.RowGroups ?? new RowGroupRange(0, rowGroups);
        if (options.RowGroups is { } only)
        {
            only.CheckWithin(rowGroups, "the export");
        }
        int workers = Math.Max(1, Math.Min(options.MaxDegreeOfParallelism, range.Count));
        var shared = new WorkQueue(range);
        var tasks = new Task<ExperimentStatistics>[workers];
        for (int w = 0; w < workers; w++)
        {
            tasks[w] = Task.Run(() => WorkerAsync(openFile, owned, gate, shared, exportOptions, options, cancellationToken), cancellationToken);
        }
        var partials = await Task.WhenAll(tasks).ConfigureAwait(false);
        return partials.Length == 1 ? partials[0] : ExperimentStatistics.Combine(partials);
    }

    private static async Task<ExperimentStatistics> WorkerAsync(Func<CancellationToken, Task<ExportFile>> openFile, bool owned, SemaphoreSlim? gate, WorkQueue queue,
        ExperimentExportOptions exportOptions, ExperimentStatisticsOptions options, CancellationToken cancellationToken)
    {
        var file = await openFile(cancellationToken).ConfigureAwait(false);
        try
        {
            var reader = ExperimentExportReader.Open(file, exportOptions);
            var accumulator = new StatisticsAccumulator(reader.Outcomes, reader.Covariates, options);
            CheckCaps(options.Caps, reader, file.Name);
            while (queue.Next() is int group and >= 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ExperimentBatch batch;
                if (gate is null)
                {
                    batch = await reader.ReadRowGroupAsync(group, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        batch = await reader.ReadRowGroupAsync(group, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
                accumulator.Add(batch, reader);
                var progress = queue.Done(batch.Count);
                options.Progress?.Report(progress);
            }
            return accumulator.ToStatistics(reader);
        }
        finally
        {
            if (owned)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void CheckCaps(IReadOnlyDictionary<string, OutcomeCap>? caps, ExperimentExportReader reader, string fileName)
    {
        if (caps is null)
        {
            return;
        }
        foreach (var (outcome, cap) in caps)
        {
            if (!reader.Outcomes.Contains(outcome))
            {
                throw new ArgumentException($"a cap is given for '{outcome}', which is not an outcome read from {fileName} (outcomes: {string.Join(", ", reader.Outcomes)})", nameof(caps));
            }
            if (double.IsNaN(cap.Lower) || double.IsNaN(cap.Upper) || cap.Lower > cap.Upper)
            {
                throw new ArgumentException($"the cap of '{outcome}' [{cap.Lower}, {cap.Upper}] is not an interval", nameof(caps));
            }
        }
    }

    /// <summary>Hands out row groups in order to whichever worker asks, and counts progress.</summary>
    private sealed class WorkQueue(RowGroupRange range)
    {
        private int _next = range.Start - 1;
        private int _done;
        private long _rows;

        public int Next()
        {
            int g = Interlocked.Increment(ref _next);
            return g < range.End ? g : -1;
        }

        public ExperimentStatisticsProgress Done(int rows)
        {
            long total = Interlocked.Add(ref _rows, rows);
            int done = Interlocked.Increment(ref _done);
            return new ExperimentStatisticsProgress(done, range.Count, total);
        }
    }
}
