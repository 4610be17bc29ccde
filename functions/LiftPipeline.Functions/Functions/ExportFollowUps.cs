using LiftPipeline.Functions.Hosting;
using LiftPipeline.Pipeline.Handlers;
using Microsoft.Azure.Functions.Worker;

namespace LiftPipeline.Functions.Functions;

/// <summary>ExportArrived's three queue outputs; each element of an array is one message (<see cref="WorkItem"/> JSON).</summary>
public sealed class ExportFollowUps
{
    /// <summary>Nothing to follow up.</summary>
    public static ExportFollowUps None => new();

    /// <summary>The measurement request for an accepted export, on <c>measure-requests</c>.</summary>
    [QueueOutput(WorkItem.MeasureQueue, Connection = LiftStorageSettings.ConnectionName)]
    public string[] Measure { get; init; } = [];

    /// <summary>One statistics request per row-group range of a large holdout export, on <c>shard-statistics</c>.</summary>
    [QueueOutput(WorkItem.ShardStatisticsQueue, Connection = LiftStorageSettings.ConnectionName)]
    public string[] ShardStatistics { get; init; } = [];

    /// <summary>The delivery request for a quarantined export's data-quality alert, on <c>alert-deliveries</c>.</summary>
    [QueueOutput(WorkItem.DeliverQueue, Connection = LiftStorageSettings.ConnectionName)]
    public string[] Deliver { get; init; } = [];
}
