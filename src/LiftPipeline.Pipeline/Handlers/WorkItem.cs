using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>What a queued piece of work asks for.</summary>
public enum WorkKind
{
    /// <summary>Measure one campaign (<see cref="MeasureCampaignHandler"/>).</summary>
    Measure,

    /// <summary>Deliver one stored alert to its campaign's subscribers (<see cref="DeliverAlertsHandler"/>).</summary>
    Deliver,

    /// <summary>Compute and store the statistics of one row-group range of a holdout shard (<see cref="ShardStatisticsHandler"/>).</summary>
    ShardStatistics,
}

/// <summary>
/// One message on the pipeline's work queues: measure <paramref name="Campaign"/> for <paramref name="RunId"/>, deliver the
/// alert stored at <paramref name="AlertPath"/>, or compute the statistics of row groups <paramref name="RowGroups"/> of the
/// holdout shard <paramref name="Shard"/>. <see cref="ToJson"/> and <see cref="Parse"/> are the queue message format
/// (<c>{"kind":"measure","campaign":"…","runId":"…"}</c>, <c>{"kind":"statistics","campaign":"…","shard":"datasets/…/shard-….parquet","start":0,"end":4}</c>,
/// with <c>"capped":true</c> for the capped pass);
/// parsing checks every name, so a forged message cannot reach outside the campaign's paths.
/// </summary>
/// <param name="Kind">Measure or deliver.</param>
/// <param name="Campaign">Campaign id.</param>
/// <param name="RunId">The run the work belongs to; null lets the measurement derive one from its input.</param>
/// <param name="AlertPath">For <see cref="WorkKind.Deliver"/>: the stored alert's object name under <c>alerts/</c>.</param>
/// <param name="Shard">For <see cref="WorkKind.ShardStatistics"/>: the shard copy, <c>datasets/{campaign}/shard-{hash}.parquet</c>.</param>
/// <param name="RowGroups">For <see cref="WorkKind.ShardStatistics"/>: the row groups of the shard to reduce.</param>
/// <param name="Capped">For <see cref="WorkKind.ShardStatistics"/>: the capped pass (caps from the dataset's pooled raw statistics) rather than the raw one.</param>
public sealed record WorkItem(WorkKind Kind, CampaignId Campaign, RunId? RunId = null, string? AlertPath = null, string? Shard = null, RowGroupRange? RowGroups = null,
    bool Capped = false)
{
    /// <summary>The queue that carries measurement requests.</summary>
    public const string MeasureQueue = "measure-requests";

    /// <summary>The queue that carries alert deliveries.</summary>
    public const string DeliverQueue = "alert-deliveries";

    /// <summary>The queue that carries shard-range statistics requests.</summary>
    public const string ShardStatisticsQueue = "shard-statistics";

    /// <summary>The queue this item belongs on.</summary>
    public string Queue => Kind switch
    {
        WorkKind.Measure => MeasureQueue,
        WorkKind.Deliver => DeliverQueue,
        _ => ShardStatisticsQueue,
    };

    /// <summary>A measurement request.</summary>
    public static WorkItem Measure(CampaignId campaign, RunId? runId) => new(WorkKind.Measure, campaign, runId);

    /// <summary>A delivery request for an alert already stored at <paramref name="alertPath"/>.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: <paramref name="alertPath"/> is not an alert's object name.</exception>
    public static WorkItem Deliver(CampaignId campaign, string alertPath, RunId? runId) =>
        new(WorkKind.Deliver, campaign, runId, ValidateAlertPath(alertPath));

    /// <summary>A request to compute the statistics of <paramref name="rowGroups"/> of the shard copy <paramref name="shard"/> (<paramref name="capped"/>: under the dataset's caps).</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: <paramref name="shard"/> is not a shard copy of <paramref name="campaign"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or starts below 0.</exception>
    public static WorkItem ShardRange(CampaignId campaign, string shard, RowGroupRange rowGroups, bool capped = false)
    {
        ObjectName.Validate(shard);
        if (!StoreLayout.IsDatasetShard(campaign, shard))
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, shard, $"a shard is datasets/{campaign}/shard-{{hash}}.parquet");
        }
        if (rowGroups.Start < 0 || rowGroups.End <= rowGroups.Start)
        {
            throw new ArgumentOutOfRangeException(nameof(rowGroups), rowGroups, "a row-group range starts at 0 or later and holds at least one row group");
        }
        return new(WorkKind.ShardStatistics, campaign, null, null, shard, rowGroups, capped);
    }

    /// <summary>The message body: compact UTF-8 JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new WorkItemDocument(Kind switch { WorkKind.Measure => "measure", WorkKind.Deliver => "deliver", _ => "statistics" }, Campaign, RunId?.Value, AlertPath,
            Shard, RowGroups?.Start, RowGroups?.End, Capped ? true : null), PipelineJsonContext.Compact.WorkItemDocument);

    /// <summary>Reads a message written by <see cref="ToJson"/> and checks every name in it.</summary>
    /// <exception cref="FormatException">Not such a message; the text says which field is wrong.</exception>
    public static WorkItem Parse(ReadOnlySpan<byte> json)
    {
        WorkItemDocument document;
        try
        {
            document = StoredJson.Deserialize(json, PipelineJsonContext.Compact.WorkItemDocument);
        }
        catch (StoredJson.FieldException e)
        {
            throw new FormatException(e.Field is null ? "A work message is a JSON object with kind and campaign." : $"{e.Field}: must be {e.Field switch { "start" or "end" => "a whole number", "capped" => "true or false", _ => "a string" }}.", e);
        }
        catch (JsonException e)
        {
            throw new FormatException($"A work message must be JSON: {e.Message}", e);
        }
        try
        {
            string kind = Required(document.Kind, "kind");
            var campaign = CampaignId.Parse(Required(document.Campaign, "campaign"));
            var runId = Storage.RunId.ParseOptional(document.RunId);
            return kind switch
            {
                "measure" => Measure(campaign, runId),
                "deliver" => Deliver(campaign, Required(document.AlertPath, "alertPath"), runId),
                "statistics" => ShardRange(campaign, Required(document.Shard, "shard"),
                    new RowGroupRange(document.Start ?? throw Missing("start", "a number"), document.End ?? throw Missing("end", "a number")), document.Capped ?? false),
                _ => throw new FormatException($"kind: '{kind}' is not a work kind; use measure, deliver or statistics."),
            };
        }
        catch (ObjectStoreException e)
        {
            throw new FormatException($"A work message names something unsafe: {e.Message}", e);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"start, end: {document.Start}-{document.End} is not a row-group range; start must be 0 or more and below end.", e);
        }
    }

    private static string Required(string? value, string name) => value ?? throw Missing(name, "a string");

    private static FormatException Missing(string name, string type) => new($"{name}: missing; a work message needs {type} '{name}'.");

    private static string ValidateAlertPath(string alertPath)
    {
        ObjectName.Validate(alertPath);
        if (!StoreLayout.IsAlert(alertPath))
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, alertPath, "an alert path is alerts/{yyyy}/{MM}/{dd}/{alertId}.json");
        }
        return alertPath;
    }
}

/// <summary>The pipeline's outbound port for work: a queue in Azure, an in-process list locally.</summary>
public interface IWorkQueue
{
    /// <summary>Adds <paramref name="item"/> to the queue it belongs on (<see cref="WorkItem.Queue"/>).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task EnqueueAsync(WorkItem item, CancellationToken cancellationToken = default);
}

/// <summary>A work queue that keeps items in memory, in order: the local host drains it, and a Functions invocation returns its items as output bindings. Thread-safe.</summary>
public sealed class InProcessWorkQueue : IWorkQueue
{
    private readonly Queue<WorkItem> _items = new();
    private readonly Lock _gate = new();

    /// <summary>Items waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <inheritdoc />
    public Task EnqueueAsync(WorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _items.Enqueue(item);
        }
        return Task.CompletedTask;
    }

    /// <summary>Takes the oldest item, or returns false when empty.</summary>
    public bool TryDequeue(out WorkItem item)
    {
        lock (_gate)
        {
            return _items.TryDequeue(out item!);
        }
    }

    /// <summary>Takes every item, oldest first.</summary>
    public IReadOnlyList<WorkItem> DrainAll()
    {
        lock (_gate)
        {
            var all = _items.ToArray();
            _items.Clear();
            return all;
        }
    }
}
