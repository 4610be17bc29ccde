using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Evidence;
using LiftPipeline.Pipeline.Portfolio;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Hosting;

/// <summary>What the local pipeline is doing, for progress displays.</summary>
/// <param name="Stage"><c>export</c>, <c>audience</c>, <c>statistics</c>, <c>schedule</c>, <c>measure</c>, <c>evidence</c>, <c>portfolio</c> or <c>deliver</c>.</param>
/// <param name="Subject">The export, campaign or alert being worked on.</param>
/// <param name="Measure">Estimator and replication progress inside a measurement.</param>
public sealed record PipelineProgress(string Stage, string? Subject, MeasureProgress? Measure = null);

/// <summary>Everything one pass of the local pipeline did.</summary>
/// <param name="RunId">The run that measured every campaign; null for a pass that only handled new exports.</param>
/// <param name="Start">Whether that run got the lease (a run that waited in vain is skipped, not a problem); null without such a run.</param>
/// <param name="Exports">Each new export's outcome.</param>
/// <param name="Measurements">Each measurement's outcome.</param>
/// <param name="Deliveries">Each delivery attempted, new and pending.</param>
/// <param name="Problems">Work that could not be done (an invalid campaign.json, an unreadable alert), one line each.</param>
/// <param name="ShardStatistics">Each shard-range statistics work item handled (large holdout exports); null when there were none.</param>
/// <param name="Audiences">The audience refresh from the current customer export; null when the store has no audience.</param>
/// <param name="Portfolio">The run's portfolio digest (<c>portfolio/{runId}.*</c>); null for a pass without a run, or a run skipped for the lease.</param>
/// <param name="Evidence">The evidence across campaigns redrawn after the run (<c>evidence/</c>); null without a run or when no holdout has contributed.</param>
public sealed record PipelineRunSummary(
    RunId? RunId,
    RunStart? Start,
    IReadOnlyList<ExportOutcome> Exports,
    IReadOnlyList<MeasureOutcome> Measurements,
    IReadOnlyList<SubscriberDelivery> Deliveries,
    IReadOnlyList<string> Problems,
    IReadOnlyList<ShardStatisticsOutcome>? ShardStatistics = null,
    AudienceRefreshPass? Audiences = null,
    PortfolioPublication? Portfolio = null,
    EvidenceSummary? Evidence = null);

/// <summary>
/// The pipeline on one machine: the same handlers the Functions app runs, driven over any <see cref="IObjectStore"/>
/// with an in-process queue — shard-range statistics (<see cref="WorkKind.ShardStatistics"/>) by <see cref="Workers"/>
/// parallel workers, as many function instances would. <see cref="RunOnceAsync"/> is <c>lift run</c>; <see cref="ProcessNewExportsAsync"/> and
/// <see cref="NightlyAsync"/> are the two beats of <c>lift watch</c>. Not thread-safe; run one pass at a time per instance
/// (several processes may share a store: the handlers are idempotent and the run lease keeps runs apart).
/// </summary>
public sealed class LocalPipeline
{
    private readonly IObjectStore _store;
    private readonly TimeProvider _clock;
    private readonly InProcessWorkQueue _queue = new();
    private readonly DeliverAlertsHandler? _deliver;

    /// <summary>A pipeline over <paramref name="store"/>, delivering alerts through <paramref name="sink"/> (null: alerts are stored, not sent).</summary>
    public LocalPipeline(IObjectStore store, IAlertSink? sink, TimeProvider clock, AlertDeliveryOptions? deliveryOptions = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _deliver = sink is null ? null : new DeliverAlertsHandler(store, new AlertDelivery(store, sink, clock, deliveryOptions));
    }

    /// <summary>Receives progress; null for none.</summary>
    public IProgress<PipelineProgress>? Progress { get; init; }

    /// <summary>Shard-range statistics work items processed at once. Default: the processor count.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Rows per shard-range work item (<see cref="ExportArrivedHandler.RowsPerWorkItem"/>). Default <see cref="ShardRanges.DefaultRowsPerWorkItem"/>.</summary>
    public long RowsPerWorkItem { get; init; } = ShardRanges.DefaultRowsPerWorkItem;

    /// <summary>How long a run waits for the run lease another process holds before it is skipped (<see cref="NightlyRunHandler.LeaseWait"/>). Default: 30 s.</summary>
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a campaign whose dataset, campaign.json and engine version are unchanged reuses its stored measurement
    /// (<see cref="MeasurementReuse"/>). False measures every campaign again (<c>lift run --remeasure</c>). Default: true.
    /// </summary>
    public bool Reuse { get; set; } = true;

    /// <summary>
    /// <c>lift run</c>: handles new exports, then measures every active campaign under one run
    /// (<paramref name="runId"/>, default <c>run-yyyyMMdd-HHmmss</c>), then delivers its alerts and every due one.
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<PipelineRunSummary> RunOnceAsync(RunId? runId = null, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var exports = await HandleExportsAsync(measureEach: false, problems, cancellationToken).ConfigureAwait(false);
        var run = runId ?? RunIds.Manual(_clock.GetUtcNow());
        return await RunAsync(exports, problems, (h, drain) => h.RunAsync(run, "manual", drain, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The scheduled beat of <c>lift watch</c>: new exports, then the nightly run for <paramref name="scheduledAt"/>, then deliveries.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<PipelineRunSummary> NightlyAsync(DateTimeOffset scheduledAt, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var exports = await HandleExportsAsync(measureEach: false, problems, cancellationToken).ConfigureAwait(false);
        return await RunAsync(exports, problems, (h, drain) => h.RunAsync(scheduledAt, drain, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The frequent beat of <c>lift watch</c>: handles new exports and measures each campaign that received data (a run
    /// per dataset), then delivers what the outbox holds that is due (earlier failures wait out their backoff).
    /// </summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<PipelineRunSummary> ProcessNewExportsAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var exports = await HandleExportsAsync(measureEach: true, problems, cancellationToken).ConfigureAwait(false);
        var (measured, delivered) = await DrainAsync(problems, cancellationToken).ConfigureAwait(false);
        return new PipelineRunSummary(null, null, exports, measured, delivered, problems, Statistics(), Audiences());
    }

    /// <summary>
    /// Schedules the run and, while it holds the run lease, measures, writes the run's portfolio digest (raising one digest
    /// alert per digest subscriber) and delivers; a run skipped for the lease only delivers what is due.
    /// </summary>
    private async Task<PipelineRunSummary> RunAsync(IReadOnlyList<ExportOutcome> exports, List<string> problems,
        Func<NightlyRunHandler, Func<RunOutcome, Task>, Task<RunOutcome>> start, CancellationToken cancellationToken)
    {
        Progress?.Report(new PipelineProgress("schedule", null));
        List<MeasureOutcome>? measured = null;
        List<SubscriberDelivery>? delivered = null;
        PortfolioPublication? portfolio = null;
        EvidenceSummary? evidence = null;
        var run = await start(new NightlyRunHandler(_store, _queue, _clock) { LeaseWait = LeaseWait, Reuse = Reuse }, async scheduled =>
        {
            foreach (var failed in scheduled.Manifest?.Campaigns.Where(e => e.Status == CampaignRunStatus.Failed && e.StartedAt is null) ?? [])
            {
                problems.Add($"{failed.Campaign}: {failed.Error}");
            }
            (measured, delivered) = await DrainAsync(problems, cancellationToken, async () =>
            {
                // Every measurement of the run is done: the manifest is complete, and the evidence page sees every contribution.
                Progress?.Report(new PipelineProgress("evidence", StoreLayout.EvidenceIndex));
                evidence = await EvidenceLog.RedrawAfterRunAsync(_store, cancellationToken).ConfigureAwait(false);
                Progress?.Report(new PipelineProgress("portfolio", StoreLayout.PortfolioPrefix));
                if (await new RunLedger(_store).ReadAsync(scheduled.RunId, cancellationToken).ConfigureAwait(false) is { } manifest)
                {
                    portfolio = await PortfolioSummary.PublishAsync(_store, manifest, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
            // Campaigns the run recorded as reusing an earlier measurement were not queued; they belong in the summary all the same.
            measured = [.. measured.Concat(scheduled.Reused).OrderBy(m => m.Campaign.Value, StringComparer.Ordinal)];
        }).ConfigureAwait(false);
        if (measured is null || delivered is null)
        {
            (measured, delivered) = await DrainAsync(problems, cancellationToken).ConfigureAwait(false);
        }
        return new PipelineRunSummary(run.RunId, run.Start, exports, measured, delivered, problems, Statistics(), Audiences(), portfolio, evidence);
    }

    private async Task<IReadOnlyList<ExportOutcome>> HandleExportsAsync(bool measureEach, List<string> problems, CancellationToken cancellationToken)
    {
        var handler = new ExportArrivedHandler(_store, _clock) { RowsPerWorkItem = RowsPerWorkItem };
        _statistics.Clear();
        var outcomes = new List<ExportOutcome>();
        var scan = await new ExportScanner(_store).ScanAsync(cancellationToken).ConfigureAwait(false);
        foreach (var unusable in scan.Unusable)
        {
            // A name the store cannot take is reported, and alerted to its campaign, never skipped silently.
            problems.Add(unusable.Problem);
            await new UnusableExportHandler(_store).HandleAsync(unusable, RunIds.Manual(_clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }
        foreach (var name in scan.New)
        {
            Progress?.Report(new PipelineProgress("export", name));
            ExportOutcome outcome;
            try
            {
                outcome = await handler.HandleAsync(name, RunIds.Manual(_clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            catch (CampaignConfigException e)
            {
                problems.Add($"{name} left unprocessed: {e.Message}");
                continue;
            }
            catch (ObjectStoreException e) when (e.Code == ObjectStoreException.NotAFile)
            {
                problems.Add($"{name} left unprocessed: {e.Message}");   // a link or FIFO: refused, and the run goes on
                continue;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The handler quarantines whatever the file makes the reader throw; what is left (a store that failed while
                // this export was read or written) is this export's problem only: the next run tries it again.
                problems.Add($"{name} left unprocessed: {e.Message.ReplaceLineEndings(" ")} ({e.GetType().Name}); it is retried on the next run");
                continue;
            }
            outcomes.Add(outcome);
            // Shard statistics are always queued; measurements only by the export beat: a run measures every campaign anyway,
            // and the outbox scan after measuring delivers the alerts (a quarantined export's included).
            _measureEach = measureEach;
            foreach (var item in outcome.FollowUps.Where(i => i.Kind == WorkKind.ShardStatistics || (measureEach && i.Kind == WorkKind.Measure)))
            {
                await _queue.EnqueueAsync(item, cancellationToken).ConfigureAwait(false);
            }
        }
        await RefreshAudiencesAsync(measureEach, problems, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    private AudienceRefreshPass? _audiences;

    private AudienceRefreshPass? Audiences() => _audiences is { Audiences.Count: 0, Quarantined.Count: 0, Problems.Count: 0 } ? null : _audiences;

    /// <summary>
    /// Refreshes the audiences from the current customer export, before any measurement: a holdout campaign is measured
    /// against the assignment this writes. The export beat also measures each campaign whose assignment was rewritten.
    /// </summary>
    private async Task RefreshAudiencesAsync(bool measureEach, List<string> problems, CancellationToken cancellationToken)
    {
        var refresh = new AudienceRefreshHandler(_store, _clock) { Progress = new InlineProgress<string>(a => Progress?.Report(new PipelineProgress("audience", a))) };
        _audiences = await refresh.RefreshAsync(RunIds.Manual(_clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        problems.AddRange(_audiences.Problems);
        foreach (var outcome in _audiences.Audiences)
        {
            if (outcome.Status == AudienceRefreshStatus.Failed)
            {
                problems.Add(outcome.Message);
            }
            foreach (var (campaign, _) in measureEach ? outcome.Assignments ?? [] : [])
            {
                var id = CampaignId.Parse(campaign);
                if (await _store.GetAsync(StoreLayout.CampaignConfig(id), cancellationToken).ConfigureAwait(false) is not null)
                {
                    await _queue.EnqueueAsync(WorkItem.Measure(id, null), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Works the queue until it is empty (every measurement first: a slow subscriber never delays one), then delivers
    /// what the outbox holds — this pass's alerts and every earlier one now due — concurrently within
    /// <see cref="AlertDeliveryOptions.TimeBudget"/>. Delivery requests on the queue are covered by the outbox scan.
    /// <paramref name="beforeDelivery"/> runs between the two (a run's portfolio digest).
    /// </summary>
    private async Task<(List<MeasureOutcome>, List<SubscriberDelivery>)> DrainAsync(List<string> problems, CancellationToken cancellationToken, Func<Task>? beforeDelivery = null)
    {
        var measured = new List<MeasureOutcome>();
        var delivered = new List<SubscriberDelivery>();
        var measure = new MeasureCampaignHandler(_store, _queue, _clock) { Progress = MeasureReporter(), Reuse = Reuse };
        await ComputeShardStatisticsAsync(problems, cancellationToken).ConfigureAwait(false);
        while (_queue.TryDequeue(out var item))
        {
            if (item.Kind != WorkKind.Measure)
            {
                continue;
            }
            try
            {
                _current = item.Campaign.Value;
                Progress?.Report(new PipelineProgress("measure", item.Campaign));
                measured.Add(await measure.HandleAsync(item.Campaign, item.RunId, cancellationToken).ConfigureAwait(false));
            }
            catch (CampaignConfigException e)
            {
                problems.Add($"{item.Campaign}: {e.Message}");
            }
        }
        if (beforeDelivery is not null)
        {
            await beforeDelivery().ConfigureAwait(false);
        }
        if (_deliver is not null)
        {
            Progress?.Report(new PipelineProgress("deliver", StoreLayout.OutboxPrefix));
            delivered.AddRange(await _deliver.DeliverPendingAsync(cancellationToken).ConfigureAwait(false));
        }
        return (measured, delivered);
    }

    private string? _current;
    private bool _measureEach;
    private readonly List<ShardStatisticsOutcome> _statistics = [];

    private IReadOnlyList<ShardStatisticsOutcome>? Statistics() => _statistics.Count == 0 ? null : [.. _statistics];

    /// <summary>
    /// Takes the shard-range statistics items off the queue and works them with <see cref="Workers"/> parallel workers —
    /// the raw ranges, then the capped ranges they ask for — before any measurement (which would otherwise compute the
    /// ranges itself, one at a time). The measurement a completed dataset asks for is queued by the export beat, unless one
    /// of its campaign is queued already.
    /// </summary>
    private async Task ComputeShardStatisticsAsync(List<string> problems, CancellationToken cancellationToken)
    {
        var handler = new ShardStatisticsHandler(_store);
        var queued = new HashSet<CampaignId>();
        while (true)
        {
            var items = _queue.DrainAll();
            var work = items.Where(i => i.Kind == WorkKind.ShardStatistics).Distinct().ToArray();
            foreach (var other in items.Where(i => i.Kind != WorkKind.ShardStatistics))
            {
                queued.UnionWith(other.Kind == WorkKind.Measure ? [other.Campaign] : []);
                await _queue.EnqueueAsync(other, cancellationToken).ConfigureAwait(false);
            }
            if (work.Length == 0)
            {
                return;
            }
            Progress?.Report(new PipelineProgress("statistics", $"{work.Length} shard ranges"));
            var outcomes = new ShardStatisticsOutcome?[work.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, work.Length), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Workers), CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    try
                    {
                        outcomes[i] = await handler.HandleAsync(work[i], ct).ConfigureAwait(false);
                    }
                    catch (CampaignConfigException e)
                    {
                        lock (problems)
                        {
                            problems.Add($"{work[i].Campaign}: {e.Message}");
                        }
                    }
                }).ConfigureAwait(false);
            var next = new HashSet<WorkItem>();
            foreach (var outcome in outcomes.OfType<ShardStatisticsOutcome>())
            {
                _statistics.Add(outcome);
                if (outcome.Problem is not null)
                {
                    problems.Add(outcome.Message);
                }
                foreach (var followUp in outcome.FollowUps)
                {
                    if (followUp.Kind == WorkKind.ShardStatistics ? next.Add(followUp) : _measureEach && followUp.Kind == WorkKind.Measure && queued.Add(followUp.Campaign))
                    {
                        await _queue.EnqueueAsync(followUp, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private IProgress<MeasureProgress>? MeasureReporter() =>
        Progress is null ? null : new InlineProgress<MeasureProgress>(p => Progress.Report(new PipelineProgress("measure", _current, p)));

    /// <summary>Reports synchronously on the measuring thread (Progress&lt;T&gt; would post to a context and arrive late).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
