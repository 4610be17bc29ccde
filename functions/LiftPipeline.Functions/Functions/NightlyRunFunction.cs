using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// NightlyRun (timer trigger <c>timer</c>, schedule <c>%NightlySchedule%</c>): runs <see cref="NightlyRunHandler"/> for
/// the current minute (run id <c>nightly-yyyyMMdd-HHmm</c>, so a timer that fires twice in a minute queues nothing new),
/// returns one measurement request per queued campaign on output <c>measure</c>, then retries pending alert deliveries
/// (<see cref="DeliverAlertsHandler.DeliverPendingAsync"/>). A store failure while requesting answers 500 (the next
/// schedule runs again); a failure while redelivering is logged and the requests still go out.
/// </summary>
public sealed class NightlyRunFunction(IObjectStore store, IAlertSink sink, TimeProvider clock, ILogger<NightlyRunFunction> logger)
{
    /// <summary>The trigger binding's name in function.json.</summary>
    public const string TriggerBinding = "timer";

    /// <summary>The queue output binding for measurement requests.</summary>
    public const string MeasureOutput = "measure";

    /// <summary>Handles one invocation payload.</summary>
    public async Task<IResult> InvokeAsync(Stream body, CancellationToken cancellationToken)
    {
        var result = new InvocationResult(logger);
        try
        {
            var request = await InvocationRequest.ReadAsync(body, cancellationToken).ConfigureAwait(false);
            try
            {
                if (request.Binding(TriggerBinding) is { ValueKind: System.Text.Json.JsonValueKind.Object } timer
                    && timer.TryGetProperty("IsPastDue", out var pastDue) && pastDue.ValueKind == System.Text.Json.JsonValueKind.True)
                {
                    result.Log(LogLevel.Warning, "NightlyRun: the timer is past due; running now.");
                }
            }
            finally
            {
                request.Release();
            }
        }
        catch (FormatException e)
        {
            result.Log(LogLevel.Warning, $"NightlyRun: timer payload unreadable ({e.Message}); running anyway.");
        }
        var now = clock.GetUtcNow();
        var scheduledAt = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), now.Offset);
        var queue = new InProcessWorkQueue();
        try
        {
            var run = await new NightlyRunHandler(store, queue, clock).RunAsync(scheduledAt, cancellationToken).ConfigureAwait(false);
            result.Log(run.Start == RunStart.LeaseHeld
                ? $"NightlyRun: {run.RunId}: another run holds the lease; nothing requested."
                : $"NightlyRun: {run.RunId}: requested {run.Queued.Count} measurements ({string.Join(", ", run.Queued)}); manifest runs/{run.RunId}.json.");
            foreach (var item in queue.DrainAll())
            {
                result.Output(MeasureOutput, item);
            }
        }
        catch (ObjectStoreException e)
        {
            return result.Log(LogLevel.Error, $"NightlyRun: storage failed ({e.Code}) on {e.ObjectName}: {e.Message}").ToResult(StatusCodes.Status500InternalServerError);
        }
        try
        {
            var pending = await new DeliverAlertsHandler(store, new AlertDelivery(store, sink, clock)).DeliverPendingAsync(cancellationToken).ConfigureAwait(false);
            foreach (var delivery in pending)
            {
                result.Log($"NightlyRun: pending alert {delivery.AlertId} to {delivery.Subscriber}: {delivery.Outcome.Status.ToString().ToLowerInvariant()}.");
            }
        }
        catch (ObjectStoreException e)
        {
            // The measurement requests above must still go out: a failed redelivery stays pending for the next run.
            result.Log(LogLevel.Error, $"NightlyRun: retrying pending deliveries failed ({e.Code}) on {e.ObjectName}: {e.Message}; they stay pending.");
        }
        return result.ToResult();
    }
}
