using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>How a scheduled run went.</summary>
public enum RunStart
{
    /// <summary>The run took the lease and requested its measurements.</summary>
    Started,

    /// <summary>Another run held the lease for all of <see cref="NightlyRunHandler.LeaseWait"/>; this one did nothing.</summary>
    LeaseHeld,
}

/// <summary>The outcome of <see cref="NightlyRunHandler.RunAsync(RunId, string, CancellationToken)"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Start">Started, or skipped because another run holds the lease.</param>
/// <param name="Manifest">The run manifest after this call; null when the lease was held.</param>
/// <param name="Queued">Campaigns whose measurement this call requested.</param>
public sealed record RunOutcome(RunId RunId, RunStart Start, RunManifest? Manifest, IReadOnlyList<CampaignId> Queued)
{
    /// <summary>Campaigns this call recorded as reusing an earlier measurement of the same inputs (not requested; see <see cref="MeasurementReuse"/>).</summary>
    public IReadOnlyList<MeasureOutcome> Reused { get; init; } = [];
}

/// <summary>
/// The NightlyRun handler, independent of any host: takes the lease on <see cref="StoreLayout.NightlyLease"/> so only one run proceeds
/// at a time (waiting a bounded <see cref="LeaseWait"/> for a run that holds it), reads every <c>campaigns/{id}/campaign.json</c>, requests a measurement (a <see cref="WorkKind.Measure"/>
/// item) for each active campaign (panel or holdout), and records every campaign in <c>runs/{runId}.json</c> — queued,
/// skipped (inactive) or failed (campaign.json invalid, with the reason). A campaign whose dataset, campaign.json and
/// engine version are unchanged since a stored measurement that is still its answer (<see cref="MeasurementReuse"/>) is
/// not requested: its line is that measurement's (measured or failed, with <c>reusedFrom</c>), all in the one manifest
/// write, so a run over unchanged campaigns costs a few small reads per campaign. A campaign the run has already
/// measured is not requested again, so a timer that fires twice queues nothing new. Thread-safe.
/// </summary>
public sealed class NightlyRunHandler(IObjectStore store, IWorkQueue queue, TimeProvider clock)
{
    /// <summary>How long the lease is taken for; requesting the measurements takes seconds.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);

    /// <summary>How long a run waits for a lease another run holds, polling every <see cref="LeasePoll"/>, before it reports <see cref="RunStart.LeaseHeld"/>. Default: 30 s.</summary>
    public TimeSpan LeaseWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a waiting run tries the lease again. Default: 1 s.</summary>
    public TimeSpan LeasePoll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The engine version of the measurement keys (as <see cref="MeasureCampaignHandler.EngineVersion"/>). Default: <see cref="Runs.EngineVersion.Current"/>.</summary>
    public string EngineVersion { get; init; } = Runs.EngineVersion.Current;

    /// <summary>Whether an unchanged campaign's stored measurement is recorded instead of requesting a measurement. Default: true.</summary>
    public bool Reuse { get; init; } = true;

    /// <summary>The scheduled run: id <c>nightly-yyyyMMdd-HHmm</c> from <paramref name="scheduledAt"/>, trigger <c>nightly</c>.</summary>
    public Task<RunOutcome> RunAsync(DateTimeOffset scheduledAt, CancellationToken cancellationToken = default) =>
        RunAsync(RunIds.Nightly(scheduledAt), "nightly", null, cancellationToken);

    /// <summary>The scheduled run, doing <paramref name="whileLeased"/> before the lease is released (see <see cref="RunAsync(RunId, string, Func{RunOutcome, Task}?, CancellationToken)"/>).</summary>
    public Task<RunOutcome> RunAsync(DateTimeOffset scheduledAt, Func<RunOutcome, Task>? whileLeased, CancellationToken cancellationToken = default) =>
        RunAsync(RunIds.Nightly(scheduledAt), "nightly", whileLeased, cancellationToken);

    /// <summary>Requests a measurement of every active campaign under <paramref name="runId"/>; see the class summary.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public Task<RunOutcome> RunAsync(RunId runId, string trigger, CancellationToken cancellationToken = default) =>
        RunAsync(runId, trigger, null, cancellationToken);

    /// <summary>Requests a measurement of every active campaign under <paramref name="runId"/>; see the class summary.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="trigger">What started the run, recorded in the manifest (<c>nightly</c>, <c>manual</c>).</param>
    /// <param name="whileLeased">
    /// Work done before the lease is released, renewed every third of <see cref="LeaseDuration"/> meanwhile: a host that
    /// measures in-process (<c>lift run</c>) measures and delivers here, so a concurrent run waits for it or is skipped
    /// rather than measuring the same campaigns again. Not called when the lease stayed held. Null: release at once
    /// (the Functions app, whose measurements run in their own invocations).
    /// </param>
    /// <param name="cancellationToken">Cancels the run; requests already queued stay queued.</param>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<RunOutcome> RunAsync(RunId runId, string trigger, Func<RunOutcome, Task>? whileLeased, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        await using var lease = await AcquireLeaseAsync(cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return new RunOutcome(runId, RunStart.LeaseHeld, null, []);
        }
        var ledger = new RunLedger(store);
        var before = await ledger.ReadAsync(runId, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var entries = new List<CampaignRunEntry>();
        var queued = new List<CampaignId>();
        var reused = new List<MeasureOutcome>();
        await foreach (var (id, entry, config) in CampaignsAsync(now, cancellationToken).ConfigureAwait(false))
        {
            var earlier = before?.Campaigns.FirstOrDefault(e => e.Campaign == entry.Campaign);
            if (earlier is not null && earlier.Status != CampaignRunStatus.Queued)
            {
                continue;   // this run already measured (or judged) it
            }
            if (entry.Status != CampaignRunStatus.Queued || id is not { } campaign)
            {
                entries.Add(entry);
                continue;
            }
            if (await ReusedAsync(campaign, config!, runId, now, cancellationToken).ConfigureAwait(false) is { } same)
            {
                entries.Add(new CampaignRunEntry(campaign, same.Status, null, now, clock.GetUtcNow(), same.ReportFolder, same.Alerts,
                    same.Status == CampaignRunStatus.Failed ? same.Message : null, same.ReusedFrom?.Value));
                reused.Add(same);
                continue;
            }
            entries.Add(entry);
            await queue.EnqueueAsync(WorkItem.Measure(campaign, runId), cancellationToken).ConfigureAwait(false);
            queued.Add(campaign);
        }
        var manifest = await ledger.UpdateAsync(runId, () => new RunManifest(runId, trigger, now, []),
            current => entries.Aggregate(current, (m, e) => Keeps(m, e) ? m : m.With(e)), cancellationToken).ConfigureAwait(false);
        var outcome = new RunOutcome(runId, RunStart.Started, manifest, queued) { Reused = reused };
        if (whileLeased is not null)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewal = RenewAsync(lease, stop.Token);
            try
            {
                await whileLeased(outcome).ConfigureAwait(false);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await renewal.ConfigureAwait(false);
            }
        }
        return outcome;
    }

    /// <summary>
    /// The outcome of reusing the campaign's stored measurement, when its dataset, campaign.json and engine version are
    /// unchanged and it is still its answer (<see cref="MeasurementReuse"/>); null when a measurement is to be requested
    /// (a planning campaign's design is MeasureCampaign's to judge, a campaign without data records no-data there).
    /// </summary>
    private async Task<MeasureOutcome?> ReusedAsync(CampaignId campaign, CampaignConfigRead read, RunId runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!Reuse || read.Config is not { Status: not CampaignStatus.Planning } config)
        {
            return null;
        }
        var manifest = await new CampaignDataset(store, campaign).ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        if (manifest is null)
        {
            return null;
        }
        var reuse = new MeasurementReuse(store, EngineVersion);
        var key = reuse.KeyOf(read, manifest.Dataset, await ConflatedTests.InputsAsync(store, campaign, config, cancellationToken).ConfigureAwait(false));
        var stored = await reuse.FindAsync(campaign, config, key, now, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : MeasureCampaignHandler.Reused(campaign, runId, stored);
    }

    /// <summary>Renews <paramref name="lease"/> every third of <see cref="LeaseDuration"/> until <paramref name="stop"/>; a failed renewal is tried again next time.</summary>
    private async Task RenewAsync(IObjectLease lease, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LeaseDuration / 3, clock, stop).ConfigureAwait(false);
                await lease.RenewAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectStoreException)
            {
                // The store hiccupped; the lease still has two thirds of its time and the next renewal may succeed.
            }
        }
    }

    /// <summary>The run lease, tried again every <see cref="LeasePoll"/> for up to <see cref="LeaseWait"/> while another run holds it; null when it stayed held.</summary>
    private async Task<IObjectLease?> AcquireLeaseAsync(CancellationToken cancellationToken)
    {
        long retries = LeasePoll > TimeSpan.Zero ? (long)(LeaseWait / LeasePoll) : 0;
        var lease = await store.TryAcquireLeaseAsync(StoreLayout.NightlyLease, LeaseDuration, cancellationToken).ConfigureAwait(false);
        for (long retry = 0; lease is null && retry < retries; retry++)
        {
            await Task.Delay(LeasePoll, clock, cancellationToken).ConfigureAwait(false);
            lease = await store.TryAcquireLeaseAsync(StoreLayout.NightlyLease, LeaseDuration, cancellationToken).ConfigureAwait(false);
        }
        return lease;
    }

    /// <summary>True when the manifest already holds a finished line for the campaign (a measurement beat this write).</summary>
    private static bool Keeps(RunManifest manifest, CampaignRunEntry entry) =>
        manifest.Campaigns.Any(e => e.Campaign == entry.Campaign && e.Status != CampaignRunStatus.Queued);

    /// <summary>Every campaign folder with a campaign.json, in name order: its id (null when the folder name is not one), the line the run records for it, and its campaign.json as read (null without an id).</summary>
    private async IAsyncEnumerable<(CampaignId? Id, CampaignRunEntry Entry, CampaignConfigRead? Config)> CampaignsAsync(DateTimeOffset now,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var item in store.ListAsync(StoreLayout.CampaignsPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreLayout.TryParseCampaignConfig(item.Name, out var folder))
            {
                names.Add(folder);
            }
        }
        names.Sort(StringComparer.Ordinal);
        foreach (var campaign in names)
        {
            yield return await EntryAsync(campaign, now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(CampaignId? Id, CampaignRunEntry Entry, CampaignConfigRead? Config)> EntryAsync(string campaign, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CampaignId id;
        try
        {
            id = CampaignId.Parse(campaign);
        }
        catch (ObjectStoreException e)
        {
            return (null, new CampaignRunEntry(campaign, CampaignRunStatus.Failed, Error: $"{StoreLayout.CampaignFolderOf(campaign)}: {e.Message}"), null);
        }
        var read = await store.ReadCampaignConfigAsync(id, cancellationToken).ConfigureAwait(false);
        return (id, read switch
        {
            { State: CampaignConfigState.Missing } => new CampaignRunEntry(campaign, CampaignRunStatus.Skipped, Error: "campaign.json disappeared during the run"),
            { State: CampaignConfigState.Invalid, Error: var error } => new CampaignRunEntry(campaign, CampaignRunStatus.Failed, Error: error!.Message),
            { Config.Active: false } => new CampaignRunEntry(campaign, CampaignRunStatus.Skipped, Error: "inactive (\"active\": false)"),
            _ => new CampaignRunEntry(campaign, CampaignRunStatus.Queued, QueuedAt: now),
        }, read);
    }
}
