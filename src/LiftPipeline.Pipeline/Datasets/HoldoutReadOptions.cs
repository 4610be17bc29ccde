using System.Globalization;
using System.Text;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>
/// How a holdout campaign's exports are read (its column mapping and metrics), and a fingerprint of everything in it
/// that changes the statistics, which names stored shard statistics (<see cref="ShardStatisticsStore"/>): edit the
/// mapping or the metrics and every shard is read again.
/// </summary>
/// <param name="Export">The reader options.</param>
/// <param name="Statistics">The statistics options (sketch accuracy; no caps, no range).</param>
/// <param name="Fingerprint">One line naming every option that changes the numbers.</param>
internal sealed record HoldoutReadOptions(ExperimentExportOptions Export, ExperimentStatisticsOptions Statistics, string Fingerprint)
{
    /// <summary>The options of <paramref name="config"/>'s campaign.</summary>
    public static HoldoutReadOptions For(CampaignConfig config)
    {
        var export = new ExperimentExportOptions { Columns = config.ColumnMapping, Outcomes = config.Metrics };
        var statistics = new ExperimentStatisticsOptions();
        var fingerprint = new StringBuilder();
        fingerprint.Append("columns=");
        foreach (var (contract, column) in config.Columns.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            fingerprint.Append(Quote(contract)).Append(':').Append(Quote(column)).Append(',');
        }
        fingerprint.Append(";outcomes=").AppendJoin(',', config.Metrics.Select(Quote));
        fingerprint.Append(";covariates=all;optional=all;alpha=").Append(statistics.SketchRelativeAccuracy.ToString("R", CultureInfo.InvariantCulture));
        return new HoldoutReadOptions(export, statistics, fingerprint.ToString());
    }

    /// <summary>Caps as one line: outcome, lower and upper bound (round-trip), in ordinal order of outcome; empty for none.</summary>
    public static string CapsFingerprint(IReadOnlyDictionary<string, OutcomeCap>? caps)
    {
        if (caps is null || caps.Count == 0)
        {
            return "";
        }
        var text = new StringBuilder("caps=");
        foreach (var (outcome, cap) in caps.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append(Quote(outcome)).Append(':').Append(cap.Lower.ToString("R", CultureInfo.InvariantCulture)).Append(':')
                .Append(cap.Upper.ToString("R", CultureInfo.InvariantCulture)).Append(',');
        }
        return text.ToString();
    }

    private static string Quote(string name) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(name));
}
