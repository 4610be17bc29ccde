using System.Globalization;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>
/// The run-id policy (ids themselves are <see cref="RunId"/>). A nightly run is named by its UTC date and time; a
/// measurement triggered by data is named by the dataset it read, so reprocessing the same data names the same run.
/// </summary>
public static class RunIds
{
    /// <summary>The id of the scheduled run at <paramref name="at"/>: <c>nightly-yyyyMMdd-HHmm</c> (UTC).</summary>
    public static RunId Nightly(DateTimeOffset at) =>
        RunId.Parse("nightly-" + at.UtcDateTime.ToString("yyyyMMdd'-'HHmm", CultureInfo.InvariantCulture));

    /// <summary>The id of a run started by hand at <paramref name="at"/>: <c>run-yyyyMMdd-HHmmss</c> (UTC).</summary>
    public static RunId Manual(DateTimeOffset at) =>
        RunId.Parse("run-" + at.UtcDateTime.ToString("yyyyMMdd'-'HHmmss", CultureInfo.InvariantCulture));

    /// <summary>The id of a measurement of the dataset object <paramref name="dataset"/> (<c>datasets/{c}/panel-{hash}.parquet</c> or <c>holdout-{hash}.json</c>): <c>data-{hash[..16]}</c>.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: <paramref name="dataset"/> is not a dataset object's name.</exception>
    public static RunId ForDataset(string dataset)
    {
        var hash = StoreLayout.DatasetHash(dataset);
        return RunId.Parse("data-" + hash[..Math.Min(16, hash.Length)]);
    }

    /// <summary>
    /// The id of the run an export event started: <c>export-{event id}</c> in run-id characters, so a redelivered event
    /// names the same run; the <see cref="Manual"/> id at <paramref name="at"/> when the event id has no usable character.
    /// </summary>
    public static RunId ForExportEvent(string eventId, DateTimeOffset at)
    {
        var id = new string((eventId ?? "").ToLowerInvariant().Where(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-').Take(57).ToArray());
        return id.Length > 0 ? RunId.Parse("export-" + id) : Manual(at);
    }

    /// <summary>The run an outcome names when it belongs to no run (a campaign without data measured outside a run).</summary>
    public static RunId Unmeasured { get; } = RunId.Parse("unmeasured");

    /// <summary>What started <paramref name="runId"/>, from its name: <c>nightly</c>, <c>export</c> (data-triggered) or <c>manual</c>.</summary>
    public static string TriggerOf(RunId runId) =>
        runId.Value.StartsWith("nightly-", StringComparison.Ordinal) ? "nightly" : runId.Value.StartsWith("data-", StringComparison.Ordinal) ? "export" : "manual";
}
