using LiftPipeline.Pipeline.Evidence;
using LiftPipeline.Pipeline.Portfolio;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>A run's portfolio digest as published by <see cref="PortfolioHandler"/>, and the delivery requests of its digest alerts.</summary>
/// <param name="Publication">What was published.</param>
/// <param name="Deliveries">One <see cref="WorkKind.Deliver"/> request per digest alert.</param>
public sealed record PortfolioOutcome(PortfolioPublication Publication, IReadOnlyList<WorkItem> Deliveries);

/// <summary>
/// Where a host whose measurements run in separate invocations (the Functions app) learns that a run is complete: after
/// each measurement, and after a nightly run that requested none, <see cref="PublishIfCompleteAsync"/> reads the run
/// manifest and, when the run is a nightly or manual one and none of its campaigns is still queued, redraws the evidence
/// across campaigns and publishes the run's portfolio digest (<see cref="PortfolioSummary.PublishAsync"/>). The manifest is updated with conditional writes, so the
/// measurement that records the last line sees every line settled; two that finish together may both publish, which
/// writes the digest once and raises the same alerts. Thread-safe.
/// </summary>
public sealed class PortfolioHandler(IObjectStore store)
{
    /// <summary>Publishes <paramref name="runId"/>'s digest when the run is complete; null when it is not (or is a data-triggered run, which has none).</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<PortfolioOutcome?> PublishIfCompleteAsync(RunId runId, CancellationToken cancellationToken = default)
    {
        var manifest = await new RunLedger(store).ReadAsync(runId, cancellationToken).ConfigureAwait(false);
        if (manifest is null || !IsComplete(manifest))
        {
            return null;
        }
        // Every measurement of the run is done: the evidence page is drawn once, from every contribution.
        await EvidenceLog.RedrawAfterRunAsync(store, cancellationToken).ConfigureAwait(false);
        var publication = await PortfolioSummary.PublishAsync(store, manifest, cancellationToken).ConfigureAwait(false);
        return new PortfolioOutcome(publication, [.. publication.Alerts.Select(a => WorkItem.Deliver(a.Campaign, a.StoragePath, runId))]);
    }

    /// <summary>True for a nightly or manual run none of whose campaigns is still queued.</summary>
    public static bool IsComplete(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return IsScheduled(manifest.Trigger) && manifest.Campaigns.All(e => e.Status != CampaignRunStatus.Queued);
    }

    /// <summary>True for the triggers of runs that measure every campaign and end with a digest: <c>nightly</c> and <c>manual</c> (<see cref="RunIds.TriggerOf"/>).</summary>
    public static bool IsScheduled(string trigger) => trigger is "nightly" or "manual";
}
