using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Conflation;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>
/// The <c>conflated</c> guardrail's inputs in the store (docs/guardrails.md): the other holdout campaigns live at the same
/// time as one being measured — active, measuring, with treatment windows that meet (an open end runs on; a campaign
/// without a dated window counts as always live) — and their customers, from their assignment when stored, else from their
/// dataset's exports. One other campaign's customers are in memory at a time. The same list names the measurement key's
/// extra inputs, so another campaign's new data measures this one again.
/// </summary>
internal static class ConflatedTests
{
    /// <summary>Another live holdout campaign and the versions of what the check reads of it.</summary>
    public sealed record LiveTest(CampaignId Id, CampaignConfig Config, string ConfigSha256, DatasetManifest? Manifest, StoredObject? Assignment);

    /// <summary>The other holdout campaigns live with <paramref name="config"/>'s, by id, that have customers (an assignment or a dataset).</summary>
    public static async Task<IReadOnlyList<LiveTest>> ConcurrentAsync(IObjectStore store, CampaignId campaign, CampaignConfig config, CancellationToken cancellationToken)
    {
        var live = new List<LiveTest>();
        if (config.Design != CampaignDesign.Holdout)
        {
            return live;
        }
        foreach (var read in await OtherCampaignsAsync(store, campaign, cancellationToken).ConfigureAwait(false))
        {
            var id = read.Campaign;
            if (read is not { Config: { Active: true, Status: CampaignStatus.Measuring, Design: CampaignDesign.Holdout } other, ContentSha256: { } sha }
                || !Overlap(config.Treatment, other.Treatment))
            {
                continue;
            }
            var manifest = await new CampaignDataset(store, id).ReadManifestAsync(cancellationToken).ConfigureAwait(false);
            var assignment = await store.GetAsync(StoreLayout.Assignment(id), cancellationToken).ConfigureAwait(false);
            if (manifest is not null || assignment is not null)
            {
                live.Add(new LiveTest(id, other, sha, manifest, assignment));
            }
        }
        return live;
    }

    /// <summary>
    /// The objects besides the dataset and campaign.json that the measurement of <paramref name="config"/>'s campaign reads,
    /// one <c>{name}@{version}</c> per line: its own assignment, and each live other campaign's campaign.json, dataset and
    /// assignment; for a geo test with a dated window, each live other geo test's campaign.json and dataset. Empty for a test
    /// alone, so its measurement key is unchanged.
    /// </summary>
    public static async Task<string> InputsAsync(IObjectStore store, CampaignId campaign, CampaignConfig config, CancellationToken cancellationToken)
    {
        if (config.Design != CampaignDesign.Holdout)
        {
            return await GeoInputsAsync(store, campaign, config, cancellationToken).ConfigureAwait(false);
        }
        var lines = new List<string>();
        if (await store.GetAsync(StoreLayout.Assignment(campaign), cancellationToken).ConfigureAwait(false) is { } own)
        {
            lines.Add($"{own.Name}@{own.ETag}");
        }
        foreach (var other in await ConcurrentAsync(store, campaign, config, cancellationToken).ConfigureAwait(false))
        {
            lines.Add($"{StoreLayout.CampaignConfig(other.Id)}@{other.ConfigSha256}");
            lines.Add(other.Manifest?.Dataset ?? $"{other.Id}: no dataset");
            if (other.Assignment is { } a)
            {
                lines.Add($"{a.Name}@{a.ETag}");
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>
    /// The conflated guardrail of the campaign whose exports are <paramref name="shards"/> against every live other
    /// campaign; null when none is live. <paramref name="layer"/> is the layer the campaign's own assignment declares.
    /// </summary>
    public static async Task<GuardrailResult?> CheckAsync(IObjectStore store, CampaignId campaign, CampaignConfig config, string? layer,
        IReadOnlyList<HoldoutDataset.Shard> shards, LocalShardCopies copies, CancellationToken cancellationToken)
    {
        var live = await ConcurrentAsync(store, campaign, config, cancellationToken).ConfigureAwait(false);
        if (live.Count == 0)
        {
            return null;
        }
        var settings = config.Holdout ?? new Statistics.Measurement.HoldoutSettings();
        var pairs = new List<HoldoutPair>();
        foreach (var other in live)
        {
            AssignmentIndex index;
            // A folder of its own: local copies are named by the object's last segment, and every assignment is assignment.parquet.
            using (var theirs = new LocalShardCopies(store))
            {
                try
                {
                    index = await CustomersAsync(store, other, theirs, cancellationToken).ConfigureAwait(false);
                }
                catch (Ingestion.ExportValidationException)
                {
                    // The other campaign's assignment is invalid: its own measurement fails with the reason; this one is not held hostage.
                    continue;
                }
            }
            var scan = new HoldoutPairScan(index, (other.Config.Holdout ?? new Statistics.Measurement.HoldoutSettings()).Control, settings.Control, config.Metrics);
            foreach (var shard in shards)
            {
                await using var export = await (await copies.OpenerAsync(shard.Copy, shard.Export, cancellationToken).ConfigureAwait(false))(cancellationToken).ConfigureAwait(false);
                await scan.AddAsync(export, config.ColumnMapping, cancellationToken).ConfigureAwait(false);
            }
            pairs.Add(scan.Result(other.Id.Value, layer is not null && string.Equals(layer, index.Layer, StringComparison.Ordinal) ? layer : null));
        }
        // Interactions at the dependence test's level too (q = 0.01): an independent pair breaches about 2% of the time, not 6%.
        return pairs.Count == 0 ? null : ConflatedGuardrail.Check(pairs, AssignmentDependence.DefaultAlpha);
    }

    /// <summary>Reads <paramref name="store"/>'s assignment of a campaign into memory through <paramref name="copies"/>; null when it has none.</summary>
    public static async Task<AssignmentIndex?> AssignmentAsync(IObjectStore store, CampaignId campaign, LocalShardCopies copies, CancellationToken cancellationToken)
    {
        string name = StoreLayout.Assignment(campaign);
        if (await store.GetAsync(name, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }
        await using var file = await (await copies.OpenerAsync(name, name, cancellationToken).ConfigureAwait(false))(cancellationToken).ConfigureAwait(false);
        return await AssignmentIndex.ReadAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<AssignmentIndex> CustomersAsync(IObjectStore store, LiveTest other, LocalShardCopies copies, CancellationToken cancellationToken)
    {
        if (other.Assignment is not null && await AssignmentAsync(store, other.Id, copies, cancellationToken).ConfigureAwait(false) is { } assigned)
        {
            return assigned;
        }
        var shards = await new HoldoutDataset(store, other.Id).ReadShardsAsync(other.Manifest!, cancellationToken).ConfigureAwait(false);
        var openers = new List<Func<CancellationToken, Task<Ingestion.ExportFile>>>();
        foreach (var shard in shards)
        {
            openers.Add(await copies.OpenerAsync(shard.Copy, shard.Export, cancellationToken).ConfigureAwait(false));
        }
        return await AssignmentIndex.FromExportsAsync(openers, other.Config.ColumnMapping, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The markets of the other geo tests live on <paramref name="today"/> — panel campaigns that are active, measuring and
    /// have a dated treatment window that has not ended before <paramref name="today"/> (one starting later counts: its
    /// markets are taken) — each with its test and role (treated: a unit with a treated cell in that test's dataset;
    /// control: any other unit of it). One other panel is in memory at a time. A panel test without a dated window is not
    /// counted (its live days are unknown). Empty, reading no panel, when no other geo test is live.
    /// </summary>
    public static async Task<IReadOnlyList<LiveTestMarket>> LiveGeoMarketsAsync(IObjectStore store, CampaignId campaign, DateOnly today, CancellationToken cancellationToken)
    {
        var markets = new List<LiveTestMarket>();
        foreach (var read in await OtherCampaignsAsync(store, campaign, cancellationToken).ConfigureAwait(false))
        {
            var id = read.Campaign;
            if (read.Config is not { Active: true, Status: CampaignStatus.Measuring, Design: CampaignDesign.Panel, Treatment: { Start.Kind: PeriodKind.Date } window }
                || (window.End is { } end && end.ToDate() < today))
            {
                continue;
            }
            var dataset = new CampaignDataset(store, id);
            if (await dataset.ReadManifestAsync(cancellationToken).ConfigureAwait(false) is not { } manifest)
            {
                continue;
            }
            var panel = await dataset.ReadPanelAsync(manifest, cancellationToken).ConfigureAwait(false);
            var treated = new HashSet<int>(panel.TreatedUnits);
            for (int u = 0; u < panel.Units.Count; u++)
            {
                markets.Add(new LiveTestMarket(panel.Units[u], id.Value, treated.Contains(u) ? "treated" : "control"));
            }
        }
        return markets;
    }

    /// <summary>
    /// The <c>conflated</c> guardrail of a geo test (<paramref name="panel"/>, a panel campaign with a dated treatment
    /// window) against every other live geo test — panel campaigns that are active, measuring, and have a dated window
    /// meeting this one's — with each test's treated markets (units with a treated cell) and controls (the other units);
    /// an open window ends at its panel's last period. One other panel is in memory at a time. Null when this campaign has
    /// no dated window or no other geo test is live with it.
    /// </summary>
    public static async Task<GuardrailResult?> GeoCheckAsync(IObjectStore store, CampaignId campaign, CampaignConfig config, Panel panel, CancellationToken cancellationToken)
    {
        if (DatedGeoWindow(config) is not { } window)
        {
            return null;
        }
        var others = new List<GeoTestWindow>();
        foreach (var (id, other, _, manifest) in await LiveGeoTestsAsync(store, campaign, window, cancellationToken).ConfigureAwait(false))
        {
            others.Add(Window(id.Value, await new CampaignDataset(store, id).ReadPanelAsync(manifest, cancellationToken).ConfigureAwait(false), other));
        }
        return others.Count == 0 ? null : GeoConflation.Check(Window(campaign.Value, panel, window), others);
    }

    private static async Task<string> GeoInputsAsync(IObjectStore store, CampaignId campaign, CampaignConfig config, CancellationToken cancellationToken)
    {
        if (DatedGeoWindow(config) is not { } window)
        {
            return "";
        }
        var lines = new List<string>();
        foreach (var (id, _, sha, manifest) in await LiveGeoTestsAsync(store, campaign, window, cancellationToken).ConfigureAwait(false))
        {
            lines.Add($"{StoreLayout.CampaignConfig(id)}@{sha}");
            lines.Add(manifest.Dataset);
        }
        return string.Join('\n', lines);
    }

    /// <summary>The other active, measuring panel campaigns with a dated window meeting <paramref name="window"/> and a dataset.</summary>
    private static async Task<List<(CampaignId Id, TreatmentWindow Window, string ConfigSha256, DatasetManifest Manifest)>> LiveGeoTestsAsync(IObjectStore store,
        CampaignId campaign, TreatmentWindow window, CancellationToken cancellationToken)
    {
        var live = new List<(CampaignId, TreatmentWindow, string, DatasetManifest)>();
        foreach (var read in await OtherCampaignsAsync(store, campaign, cancellationToken).ConfigureAwait(false))
        {
            if (read is not { Config: { Active: true } other, ContentSha256: { } sha } || DatedGeoWindow(other) is not { } theirs || !Overlap(window, theirs))
            {
                continue;
            }
            if (await new CampaignDataset(store, read.Campaign).ReadManifestAsync(cancellationToken).ConfigureAwait(false) is { } manifest)
            {
                live.Add((read.Campaign, theirs, sha, manifest));
            }
        }
        return live;
    }

    /// <summary>The dated treatment window of a measuring panel campaign; null for any other campaign.</summary>
    private static TreatmentWindow? DatedGeoWindow(CampaignConfig config) =>
        config is { Status: CampaignStatus.Measuring, Design: CampaignDesign.Panel, Treatment: { Start.Kind: PeriodKind.Date } window } ? window : null;

    private static GeoTestWindow Window(string name, Panel panel, TreatmentWindow window)
    {
        var treatedUnits = new HashSet<int>(panel.TreatedUnits);
        var treated = new List<string>();
        var control = new List<string>();
        for (int u = 0; u < panel.Units.Count; u++)
        {
            (treatedUnits.Contains(u) ? treated : control).Add(panel.Units[u]);
        }
        var start = window.Start.ToDate();
        var last = panel.Periods.Count > 0 && panel.Periods[^1].Kind == PeriodKind.Date ? panel.Periods[^1].ToDate() : start;
        return new GeoTestWindow(name, treated, control, start, window.End is { } end ? end.ToDate() : last);
    }

    /// <summary>Every other campaign with a valid campaign.json, by id.</summary>
    private static async Task<IReadOnlyList<CampaignConfigRead>> OtherCampaignsAsync(IObjectStore store, CampaignId campaign, CancellationToken cancellationToken)
    {
        var folders = new List<string>();
        await foreach (var item in store.ListAsync(StoreLayout.CampaignsPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreLayout.TryParseCampaignConfig(item.Name, out var folder) && folder != campaign.Value && CampaignId.TryParse(folder, out _))
            {
                folders.Add(folder);
            }
        }
        folders.Sort(StringComparer.Ordinal);
        var configs = new List<CampaignConfigRead>();
        foreach (var folder in folders)
        {
            if (await store.ReadCampaignConfigAsync(CampaignId.Parse(folder), cancellationToken).ConfigureAwait(false) is { State: CampaignConfigState.Found, Config: not null } read)
            {
                configs.Add(read);
            }
        }
        return configs;
    }

    /// <summary>Whether two treatment windows meet: both dated (or of one period kind) and overlapping, an open end running on; true when either is missing or their kinds differ.</summary>
    private static bool Overlap(TreatmentWindow? a, TreatmentWindow? b)
    {
        if (a is null || b is null || a.Start.Kind != b.Start.Kind)
        {
            return true;
        }
        bool aStartsInTime = b.End is not { } bEnd || a.Start.CompareTo(bEnd) <= 0;
        bool bStartsInTime = a.End is not { } aEnd || b.Start.CompareTo(aEnd) <= 0;
        return aStartsInTime && bStartsInTime;
    }
}
