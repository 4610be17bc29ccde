using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// ExportArrived (Event Grid trigger <c>event</c>, <c>Microsoft.Storage.BlobCreated</c>): runs
/// <see cref="ExportArrivedHandler"/> on <c>exports/{campaign}/{file}</c> and requests the next step — a measurement
/// (output <c>measure</c> → queue <c>measure-requests</c>) for an accepted export, a delivery of the data-quality alert
/// (output <c>deliver</c> → queue <c>alert-deliveries</c>) for a quarantined one.
/// <para>
/// Answers 200 with no outputs for events it does not act on — other event types, other containers, names outside
/// <c>exports/</c>, an unreadable event — and for unsafe names (path traversal, characters outside the object-name
/// rules), which are rejected before any storage call: a retry would bring the same name again, so failing would only
/// make Event Grid repeat it. It answers 500, so Event Grid retries, when campaign.json is invalid (fixing it lets the
/// retry succeed) or the store fails.
/// </para>
/// </summary>
public sealed class ExportArrivedFunction(IObjectStore store, TimeProvider clock, IConfiguration configuration, ILogger<ExportArrivedFunction> logger)
{
    /// <summary>The trigger binding's name in function.json.</summary>
    public const string TriggerBinding = "event";

    /// <summary>The queue output binding for measurement requests.</summary>
    public const string MeasureOutput = "measure";

    /// <summary>The queue output binding for alert deliveries.</summary>
    public const string DeliverOutput = "deliver";

    /// <summary>Handles one invocation payload.</summary>
    public async Task<IResult> InvokeAsync(Stream body, CancellationToken cancellationToken)
    {
        var result = new InvocationResult(logger);
        BlobCreatedEvent blobEvent;
        try
        {
            var request = await InvocationRequest.ReadAsync(body, cancellationToken).ConfigureAwait(false);
            try
            {
                blobEvent = BlobCreatedEvent.Parse(request.BindingJson(TriggerBinding));
            }
            finally
            {
                request.Release();
            }
        }
        catch (FormatException e)
        {
            return result.Log(LogLevel.Warning, $"ExportArrived: unreadable event ignored: {e.Message}").ToResult();
        }
        if (blobEvent.Type != BlobCreatedEvent.BlobCreated || blobEvent.Url is null)
        {
            return result.Log($"ExportArrived: event {blobEvent.Id} of type {blobEvent.Type} ignored; only {BlobCreatedEvent.BlobCreated} with data.url starts the pipeline.").ToResult();
        }
        string container = LiftStorageSettings.Container(configuration);
        string? name = BlobCreatedEvent.BlobName(blobEvent.Url, container);
        if (name is null || !name.StartsWith("exports/", StringComparison.Ordinal))
        {
            return result.Log($"ExportArrived: {blobEvent.Url} is not under {container}/exports/; ignored.").ToResult();
        }
        try
        {
            ExportName.Parse(name);
        }
        catch (ObjectStoreException e) when (e.Code == ObjectStoreException.InvalidName)
        {
            return result.Log(LogLevel.Warning, $"ExportArrived: rejected unsafe export name from {blobEvent.Url}: {e.Message}").ToResult();
        }
        return await HandleAsync(name, RunIdFor(blobEvent), result, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IResult> HandleAsync(string name, RunId runId, InvocationResult result, CancellationToken cancellationToken)
    {
        ExportOutcome outcome;
        try
        {
            outcome = await new ExportArrivedHandler(store, clock).HandleAsync(name, runId, cancellationToken).ConfigureAwait(false);
        }
        catch (CampaignConfigException e)
        {
            return result.Log(LogLevel.Error, $"ExportArrived: {name} left in place: {e.Message}").ToResult(StatusCodes.Status500InternalServerError);
        }
        catch (ObjectStoreException e)
        {
            return result.Log(LogLevel.Error, $"ExportArrived: {name}: storage failed ({e.Code}): {e.Message}").ToResult(StatusCodes.Status500InternalServerError);
        }
        result.Log($"ExportArrived: {outcome.Disposition.ToString().ToLowerInvariant()}: {outcome.Message}");
        foreach (var item in outcome.FollowUps)
        {
            result.Output(item.Kind == WorkKind.Measure ? MeasureOutput : DeliverOutput, item);
        }
        return result.ToResult();
    }

    /// <summary><c>export-{event id}</c> in run-id characters, so a redelivered event names the same run; a clock-based id when the event has none.</summary>
    private RunId RunIdFor(BlobCreatedEvent blobEvent) => RunIds.ForExportEvent(blobEvent.Id, clock.GetUtcNow());
}
