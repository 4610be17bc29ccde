using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// ShardStatistics: a queue trigger on <c>shard-statistics</c>. Runs <see cref="ShardStatisticsHandler"/> for the
/// message's shard and row-group range — one function instance per range, so a large export is reduced by as many
/// instances as the host scales to — and returns the measurement request raised when the range completed its shard,
/// written to <c>measure-requests</c>. Rows that break the export contract are logged and complete the invocation (a
/// retry could not fix them); a malformed message, an invalid campaign.json or a store failure fails it, so the host
/// retries and finally moves it to <c>shard-statistics-poison</c>.
/// </summary>
public sealed class ShardStatistics(IObjectStore store, ILogger<ShardStatistics> logger)
{
    /// <summary>Handles one message.</summary>
    /// <returns>The measurement request (<see cref="WorkItem"/> JSON) when the shard is complete; otherwise none.</returns>
    [Function(nameof(ShardStatistics))]
    [QueueOutput(WorkItem.MeasureQueue, Connection = LiftStorageSettings.ConnectionName)]
    public async Task<string[]> RunAsync(
        [QueueTrigger(WorkItem.ShardStatisticsQueue, Connection = LiftStorageSettings.ConnectionName)] string message,
        CancellationToken cancellationToken)
    {
        var request = WorkMessages.Read(message, WorkKind.ShardStatistics);
        var outcome = await new ShardStatisticsHandler(store).HandleAsync(request, cancellationToken).ConfigureAwait(false);
        if (outcome.Problem is null)
        {
            logger.LogInformation("ShardStatistics: {Message}", outcome.Message);
        }
        else
        {
            logger.LogWarning("ShardStatistics: {Message}", outcome.Message);
        }
        return WorkMessages.Write(outcome.FollowUps);
    }
}
