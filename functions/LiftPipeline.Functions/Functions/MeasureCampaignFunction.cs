using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// MeasureCampaign (queue trigger <c>request</c> on <c>measure-requests</c>): runs <see cref="MeasureCampaignHandler"/>
/// for the message's campaign and run, and returns the delivery requests it raised on output <c>deliver</c> →
/// <c>alert-deliveries</c>. A malformed message, an invalid campaign.json or a store failure answers 500, so the host
/// retries the message and finally moves it to <c>measure-requests-poison</c>, where it is kept for inspection.
/// </summary>
public sealed class MeasureCampaignFunction(IObjectStore store, TimeProvider clock, ILogger<MeasureCampaignFunction> logger)
{
    /// <summary>The trigger binding's name in function.json.</summary>
    public const string TriggerBinding = "request";

    /// <summary>The queue output binding for alert deliveries.</summary>
    public const string DeliverOutput = "deliver";

    /// <summary>Handles one invocation payload.</summary>
    public async Task<IResult> InvokeAsync(Stream body, CancellationToken cancellationToken)
    {
        var result = new InvocationResult(logger);
        var message = await QueueMessage.ReadAsync(body, TriggerBinding, WorkKind.Measure, result, cancellationToken).ConfigureAwait(false);
        if (message is null)
        {
            return result.ToResult(StatusCodes.Status500InternalServerError);
        }
        var queue = new InProcessWorkQueue();
        try
        {
            var outcome = await new MeasureCampaignHandler(store, queue, clock).HandleAsync(message.Campaign, message.RunId, cancellationToken).ConfigureAwait(false);
            result.Log($"MeasureCampaign: {outcome.Campaign} run {outcome.RunId}: {outcome.Status.ToString().ToLowerInvariant()}{(outcome.AlreadyMeasured ? " (already measured)" : "")}: {outcome.Message}");
        }
        catch (CampaignConfigException e)
        {
            return result.Log(LogLevel.Error, $"MeasureCampaign: {message.Campaign}: {e.Message}").ToResult(StatusCodes.Status500InternalServerError);
        }
        catch (ObjectStoreException e)
        {
            return result.Log(LogLevel.Error, $"MeasureCampaign: {message.Campaign}: storage failed ({e.Code}) on {e.ObjectName}: {e.Message}").ToResult(StatusCodes.Status500InternalServerError);
        }
        foreach (var item in queue.DrainAll())
        {
            if (item.Kind == WorkKind.Deliver)
            {
                result.Output(DeliverOutput, item);
            }
            else
            {
                result.Log(LogLevel.Warning, $"MeasureCampaign: unexpected {item.Kind} request for {item.Campaign} dropped.");
            }
        }
        return result.ToResult();
    }
}
