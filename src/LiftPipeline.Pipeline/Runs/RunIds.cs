using System.Globalization;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>
/// Run ids: <c>[a-z0-9-]{1,64}</c>, like campaign ids, because they become path segments
/// (<c>reports/{campaign}/{runId}/</c>, <c>runs/{runId}.json</c>). A nightly run is named by its UTC date and time; a
/// measurement triggered by data is named by the dataset it read, so reprocessing the same data names the same run.
/// </summary>
public static class RunIds
{
    /// <summary>The id of the scheduled run at <paramref name="at"/>: <c>nightly-yyyyMMdd-HHmm</c> (UTC).</summary>
    public static string Nightly(DateTimeOffset at) =>
        "nightly-" + at.UtcDateTime.ToString("yyyyMMdd'-'HHmm", CultureInfo.InvariantCulture);

    /// <summary>The id of a run started by hand at <paramref name="at"/>: <c>run-yyyyMMdd-HHmmss</c> (UTC).</summary>
    public static string Manual(DateTimeOffset at) =>
        "run-" + at.UtcDateTime.ToString("yyyyMMdd'-'HHmmss", CultureInfo.InvariantCulture);

    /// <summary>The id of a measurement of the dataset object <paramref name="dataset"/> (<c>datasets/{c}/panel-{hash}.parquet</c> or <c>holdout-{hash}.json</c>): <c>data-{hash[..16]}</c>.</summary>
    public static string ForDataset(string dataset)
    {
        var file = dataset[(dataset.LastIndexOf('/') + 1)..];
        var hash = file.Split('.')[0];
        foreach (var prefix in new[] { "panel-", "holdout-" })
        {
            hash = hash.StartsWith(prefix, StringComparison.Ordinal) ? hash[prefix.Length..] : hash;
        }
        var id = "data-" + new string(hash.Where(char.IsAsciiLetterOrDigit).Take(16).ToArray()).ToLowerInvariant();
        return Validate(id);
    }

    /// <summary>Checks <paramref name="runId"/> has the campaign-id shape.</summary>
    /// <exception cref="ObjectStoreException">It does not (code invalid-name).</exception>
    public static string Validate(string runId)
    {
        try
        {
            return ObjectName.ValidateCampaign(runId);
        }
        catch (ObjectStoreException)
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, runId ?? "", "a run id is 1-64 characters of a-z, 0-9 and '-'");
        }
    }

    /// <summary><see cref="Validate"/> when not null.</summary>
    public static string? ValidateOptional(string? runId) => runId is null ? null : Validate(runId);
}
