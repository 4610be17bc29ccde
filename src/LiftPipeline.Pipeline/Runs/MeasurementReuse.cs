using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>
/// The reuse rule, in one place for the nightly run (which records a reused campaign without requesting a measurement)
/// and MeasureCampaign: the <see cref="StoredMeasurement"/> of a campaign's current <see cref="MeasurementKey"/> is its
/// answer when latest.json still names that measurement's run (no report of other inputs landed since) and the
/// data-quality check — the one guardrail that reads the clock — gives the same result as of now. Thread-safe.
/// </summary>
/// <param name="store">The store.</param>
/// <param name="engineVersion">The engine version of the keys (<see cref="EngineVersion.Current"/> outside tests).</param>
public sealed class MeasurementReuse(IObjectStore store, string engineVersion)
{
    /// <summary>The key of <paramref name="config"/>'s campaign measured on <paramref name="dataset"/> by this engine.</summary>
    /// <exception cref="ArgumentException"><paramref name="config"/> holds no settings (missing or invalid campaign.json).</exception>
    /// <param name="config">The campaign.json read.</param>
    /// <param name="dataset">The dataset object.</param>
    /// <param name="inputs">The other objects the measurement reads, one <c>{name}@{version}</c> per line (the campaign's assignment, other live campaigns' data); empty when none.</param>
    public MeasurementKey KeyOf(CampaignConfigRead config, string dataset, string inputs = "") =>
        config is { State: CampaignConfigState.Found, ContentSha256: { } sha }
            ? new MeasurementKey(dataset, sha, engineVersion, inputs)
            : throw new ArgumentException($"{config.Path} holds no settings to measure with", nameof(config));

    /// <summary>The stored measurement of <paramref name="key"/> when it is still the campaign's answer at <paramref name="now"/>; null when the campaign must be measured.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<StoredMeasurement?> FindAsync(CampaignId campaign, CampaignConfig config, MeasurementKey key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var stored = await StoredMeasurement.ReadAsync(store, campaign, key, cancellationToken).ConfigureAwait(false);
        if (stored is null
            || (stored.Status == CampaignRunStatus.Measured && !await LatestReport.NamesRunAsync(store, campaign, stored.RunId, cancellationToken).ConfigureAwait(false))
            || (stored.Clock is { } check && !check.Holds(config.Guardrails, now)))
        {
            return null;
        }
        return stored;
    }

    /// <summary>The one-line message of a run that reuses <paramref name="stored"/>.</summary>
    public static string Describe(CampaignId campaign, StoredMeasurement stored)
    {
        string prefix = $"{campaign}: ";
        string summary = stored.Message.StartsWith(prefix, StringComparison.Ordinal) ? stored.Message[prefix.Length..] : stored.Message;
        return stored.Status == CampaignRunStatus.Measured
            ? $"{prefix}reused from run {stored.RunId} (same dataset, campaign.json and engine): {summary}"
            : $"{stored.Message} (reused from run {stored.RunId}: same dataset, campaign.json and engine)";
    }
}
