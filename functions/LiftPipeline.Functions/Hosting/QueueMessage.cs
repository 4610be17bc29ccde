using LiftPipeline.Pipeline.Handlers;

namespace LiftPipeline.Functions.Hosting;

/// <summary>Reads a work message (<see cref="WorkItem"/>) from a queue trigger's invocation payload.</summary>
public static class QueueMessage
{
    /// <summary>
    /// The message in binding <paramref name="binding"/>, or null after logging why it is unusable: not an invocation
    /// payload, not a work message, or not of <paramref name="kind"/>. The caller answers 500 so the message goes to the
    /// poison queue after its retries.
    /// </summary>
    public static async Task<WorkItem?> ReadAsync(Stream body, string binding, WorkKind kind, InvocationResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        InvocationRequest request;
        try
        {
            request = await InvocationRequest.ReadAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            result.Log(LogLevel.Error, $"Unreadable invocation payload: {e.Message}");
            return null;
        }
        try
        {
            var item = WorkItem.Parse(request.BindingJson(binding));
            if (item.Kind != kind)
            {
                result.Log(LogLevel.Error, $"A {item.Kind} request for {item.Campaign} arrived on the {kind} queue; it belongs on {item.Queue}.");
                return null;
            }
            return item;
        }
        catch (FormatException e)
        {
            result.Log(LogLevel.Error, $"Malformed queue message (dequeue count {request.MetadataText("DequeueCount") ?? "?"}): {e.Message}");
            return null;
        }
        finally
        {
            request.Release();
        }
    }
}
