using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiftPipeline.Functions.Functions;

/// <summary>
/// ShardStatistics: a queue trigger on <c>shard-statistics</c>. Runs <see cref="ShardStatisticsHandler"/> for the
/// message's shard and row-group range — one function instance per range, so a large export is reduced by as many
/// instances as the host scales to — and returns what completing the range asks for: the capped pass of every range
/// (<c>shard-statistics</c>) when the raw pass of a capped campaign is complete, or a measurement (<c>measure-requests</c>). Rows that break the export contract are logged and complete the invocation (a
/// retry could not fix them); a malformed message, an invalid campaign.json or a store failure fails it, so the host
/// retries and finally moves it to <c>shard-statistics-poison</c>.
/// </summary>
public sealed class ShardStatistics(IObjectStore store, ILogger<ShardStatistics> logger)
{
    /// <summary>Handles one message.</summary>
    /// <returns>The follow-up requests (<see cref="WorkItem"/> JSON), one message each.</returns>
    [Function(nameof(ShardStatistics))]
    public async Task<ShardStatisticsFollowUps> RunAsync(
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
        return new ShardStatisticsFollowUps
        {
            Measure = WorkMessages.Write(outcome.FollowUps.Where(item => item.Kind == WorkKind.Measure)),
            ShardStatistics = WorkMessages.Write(outcome.FollowUps.Where(item => item.Kind == WorkKind.ShardStatistics)),
        };
    }
}

/// <summary>ShardStatistics' two queue outputs; each element of an array is one message (<see cref="WorkItem"/> JSON).</summary>
public sealed class ShardStatisticsFollowUps
{
    /// <summary>The measurement request when the range completed the data it waited for, on <c>measure-requests</c>.</summary>
    [QueueOutput(WorkItem.MeasureQueue, Connection = LiftStorageSettings.ConnectionName)]
    public string[] Measure { get; init; } = [];

    /// <summary>The capped pass of every range when this range completed a capped campaign's raw pass, on <c>shard-statistics</c>.</summary>
    [QueueOutput(WorkItem.ShardStatisticsQueue, Connection = LiftStorageSettings.ConnectionName)]
    public string[] ShardStatistics { get; init; } = [];
}
