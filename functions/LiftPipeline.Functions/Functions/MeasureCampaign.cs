using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// MeasureCampaign: a queue trigger on <c>measure-requests</c>. Runs <see cref="MeasureCampaignHandler"/> for the
/// message's campaign and run and returns the delivery requests it raised, written to <c>alert-deliveries</c>; when its
/// line completes a nightly run, it also publishes the run's portfolio digest (<see cref="PortfolioHandler"/>) and returns
/// the delivery requests of its digest alerts. A
/// malformed message or one of another kind, an invalid campaign.json or a store failure fails the invocation, so the
/// host retries the message and finally moves it to <c>measure-requests-poison</c>, where it is kept for inspection.
/// </summary>
public sealed class MeasureCampaign(IObjectStore store, TimeProvider clock, ILogger<MeasureCampaign> logger)
{
    /// <summary>Handles one message.</summary>
    /// <returns>The delivery requests (<see cref="WorkItem"/> JSON), one message each on <c>alert-deliveries</c>.</returns>
    [Function(nameof(MeasureCampaign))]
    [QueueOutput(WorkItem.DeliverQueue, Connection = LiftStorageSettings.ConnectionName)]
    public async Task<string[]> RunAsync(
        [QueueTrigger(WorkItem.MeasureQueue, Connection = LiftStorageSettings.ConnectionName)] string message,
        CancellationToken cancellationToken)
    {
        var request = WorkMessages.Read(message, WorkKind.Measure);
        var queue = new InProcessWorkQueue();
        var outcome = await new MeasureCampaignHandler(store, queue, clock).HandleAsync(request.Campaign, request.RunId, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("MeasureCampaign: {Campaign} run {RunId}: {Status}{Again}: {Message}",
            outcome.Campaign, outcome.RunId, outcome.Status.ToString().ToLowerInvariant(), outcome.AlreadyMeasured ? " (already measured)" : "", outcome.Message);
        var items = queue.DrainAll();
        foreach (var other in items.Where(i => i.Kind != WorkKind.Deliver))
        {
            logger.LogWarning("MeasureCampaign: unexpected {Kind} request for {Campaign} dropped.", other.Kind, other.Campaign);
        }
        var portfolio = await new PortfolioHandler(store).PublishIfCompleteAsync(outcome.RunId, cancellationToken).ConfigureAwait(false);
        if (portfolio is not null)
        {
            logger.LogInformation("MeasureCampaign: run {RunId} is complete; portfolio digest {Digest} ({Count} digest subscribers).",
                outcome.RunId, portfolio.Publication.Html, portfolio.Deliveries.Count);
        }
        return WorkMessages.Write(items.Where(i => i.Kind == WorkKind.Deliver).Concat(portfolio?.Deliveries ?? []));
    }
}
