using System.Globalization;

namespace LiftPipeline.Pipeline.Storage;

/// <summary>
/// The storage layout (DESIGN.md), and the only place an object name is formatted or taken apart:
/// <list type="bullet">
/// <item><c>campaigns/{campaign}/campaign.json</c> — a campaign's settings;</item>
/// <item><c>exports/{campaign}/{file}</c> — exports as delivered, never modified;</item>
/// <item><c>quarantine/{campaign}/{file}</c> and <c>{file}.error.json</c> — rejected exports and why;</item>
/// <item><c>datasets/{campaign}/manifest.json</c>, <c>panel-{hash}.parquet</c>, <c>shard-{hash}.parquet</c>, <c>holdout-{hash}.json</c> — merged datasets;
/// <c>stats-{hash}.bin</c> — stored statistics of shard row-group ranges;</item>
/// <item><c>reports/{campaign}/{runId}/report.{json,html,md}</c> and <c>reports/{campaign}/latest.json</c>;</item>
/// <item><c>reports/{campaign}/design/design.{json,html,md}</c> and <c>error.json</c> — a planning campaign's geo design;</item>
/// <item><c>reports/{campaign}/inputs/{key}.json</c> — a finished measurement named by what it was of, for reuse;</item>
/// <item><c>alerts/{yyyy}/{MM}/{dd}/{alertId}.json</c> and <c>alerts/deliveries/{alertId}/{subscriber}.json</c> (settled deliveries);</item>
/// <item><c>outbox/{alertId}/{subscriber}.json</c> — deliveries still due, written only by the pipeline;</item>
/// <item><c>runs/{runId}.json</c> and the lease <c>runs/nightly.lease</c>;</item>
/// <item><c>customers/{file}</c> — customer exports as delivered (they refresh every audience), rejected ones under
/// <c>quarantine/_customers/{file}</c>;</item>
/// <item><c>audiences/{audience}/audience.json</c> — an audience's definition; <c>audiences/{audience}/refreshes/{asOf}/members.parquet</c>
/// and <c>validation.{json,md}</c> — one refresh; <c>audiences/{audience}/latest.json</c>;</item>
/// <item><c>assignments/{campaign}/assignment.parquet</c> — a holdout campaign's assignment of customers to arms;</item>
/// <item><c>activations/{audience}/{surface}/{date}.csv</c> — hashed contact files for the ad platforms;</item>
/// <item><c>learnings/{campaign}.{json,md}</c> and <c>learnings/index.html</c> — what each concluded test taught;</item>
/// <item><c>evidence/contributions/{campaign}.json</c> — a holdout campaign's latest contrasts for pooling; <c>evidence/evidence.json</c>
/// and <c>evidence/index.html</c> — the meta-analysis across campaigns;</item>
/// <item><c>portfolio/{runId}.{json,md,html}</c> — one run's summary of every live campaign; <c>portfolio/latest.json</c> and
/// <c>portfolio/latest.html</c> — the newest one.</item>
/// </list>
/// Ids are already checked (<see cref="CampaignId"/>, <see cref="RunId"/>); parts that are not ids (file names, hashes,
/// alert ids, subscriber names) are checked here, so every name returned passes <see cref="ObjectName.Validate"/>.
/// Parsers return false (or throw code invalid-name) for names outside their kind.
/// </summary>
public static class StoreLayout
{
    /// <summary>Every campaign's folder: <c>campaigns/</c>.</summary>
    public const string CampaignsPrefix = "campaigns/";

    /// <summary>Every export: <c>exports/</c>.</summary>
    public const string ExportsPrefix = "exports/";

    /// <summary>Every rejected export: <c>quarantine/</c>.</summary>
    public const string QuarantinePrefix = "quarantine/";

    /// <summary>Every dataset: <c>datasets/</c>.</summary>
    public const string DatasetsPrefix = "datasets/";

    /// <summary>Every report: <c>reports/</c>.</summary>
    public const string ReportsPrefix = "reports/";

    /// <summary>Every alert and delivery record: <c>alerts/</c>.</summary>
    public const string AlertsPrefix = "alerts/";

    /// <summary>Every delivery record: <c>alerts/deliveries/</c>.</summary>
    public const string DeliveriesPrefix = AlertsPrefix + "deliveries/";

    /// <summary>
    /// Every delivery still due: <c>outbox/</c>. Outside <c>alerts/</c> on purpose: an entry holds the SHA-256 of the
    /// alert it delivers, so whoever can write <c>alerts/</c> cannot make the pipeline send an alert it did not write.
    /// </summary>
    public const string OutboxPrefix = "outbox/";

    /// <summary>Every run manifest: <c>runs/</c>.</summary>
    public const string RunsPrefix = "runs/";

    /// <summary>The object whose lease serializes scheduled runs: <c>runs/nightly.lease</c>.</summary>
    public const string NightlyLease = RunsPrefix + "nightly.lease";

    /// <summary>Every customer export: <c>customers/</c>.</summary>
    public const string CustomersPrefix = "customers/";

    /// <summary>Every audience: <c>audiences/</c>.</summary>
    public const string AudiencesPrefix = "audiences/";

    /// <summary>Every holdout assignment: <c>assignments/</c>.</summary>
    public const string AssignmentsPrefix = "assignments/";

    /// <summary>Every activation file: <c>activations/</c>.</summary>
    public const string ActivationsPrefix = "activations/";

    /// <summary>Every learnings entry: <c>learnings/</c>.</summary>
    public const string LearningsPrefix = "learnings/";

    /// <summary><c>learnings/index.html</c>: every concluded test.</summary>
    public const string LearningsIndex = LearningsPrefix + "index.html";

    /// <summary>Everything pooled across campaigns: <c>evidence/</c>.</summary>
    public const string EvidencePrefix = "evidence/";

    /// <summary>Every campaign's contribution to the evidence: <c>evidence/contributions/</c>.</summary>
    public const string ContributionsPrefix = EvidencePrefix + "contributions/";

    /// <summary><c>evidence/evidence.json</c>: the pooled contrasts, redrawn from every contribution.</summary>
    public const string EvidenceJson = EvidencePrefix + "evidence.json";

    /// <summary><c>evidence/index.html</c>: the same for people, with forest plots.</summary>
    public const string EvidenceIndex = EvidencePrefix + "index.html";
    /// <summary>Every portfolio digest: <c>portfolio/</c>.</summary>
    public const string PortfolioPrefix = "portfolio/";

    /// <summary><c>portfolio/latest.json</c>: the newest digest's run, and every concluded campaign a digest has announced.</summary>
    public const string PortfolioLatest = PortfolioPrefix + "latest.json";

    /// <summary><c>portfolio/latest.html</c>: the newest digest for people.</summary>
    public const string PortfolioLatestHtml = PortfolioPrefix + "latest.html";

    /// <summary>Every campaign's privacy budget: <c>privacy/</c>.</summary>
    public const string PrivacyPrefix = "privacy/";

    /// <summary>Where rejected customer exports go: <c>quarantine/_customers/</c> ('_' is never in a campaign id).</summary>
    public const string CustomersQuarantinePrefix = QuarantinePrefix + "_customers/";

    private const string CampaignConfigFile = "campaign.json";
    private const string AudienceConfigFile = "audience.json";
    private const string ErrorSuffix = ".error.json";
    private const string Json = ".json";

    /// <summary><c>campaigns/{campaign}/campaign.json</c>.</summary>
    public static string CampaignConfig(CampaignId campaign) => CampaignConfigOf(campaign);

    /// <summary>
    /// <c>campaigns/{folder}/campaign.json</c> as text for messages about a folder whose name may not be a campaign id;
    /// never used as an object name.
    /// </summary>
    public static string CampaignConfigOf(string folder) => $"{CampaignFolderOf(folder)}{CampaignConfigFile}";

    /// <summary><c>campaigns/{folder}/</c> as text for messages (see <see cref="CampaignConfigOf"/>).</summary>
    public static string CampaignFolderOf(string folder) => $"{CampaignsPrefix}{folder}/";

    /// <summary>
    /// The folder name of a <c>campaigns/{folder}/campaign.json</c> object, whether or not it is a valid campaign id
    /// (a run records an invalid one as failed); false for any other name.
    /// </summary>
    public static bool TryParseCampaignConfig(string name, out string folder)
    {
        var parts = (name ?? "").Split('/');
        folder = parts.Length == 3 && parts[0] + "/" == CampaignsPrefix && parts[2] == CampaignConfigFile ? parts[1] : "";
        return folder.Length > 0;
    }

    /// <summary><c>exports/{campaign}/</c>.</summary>
    public static string ExportsOf(CampaignId campaign) => $"{ExportsPrefix}{campaign}/";

    /// <summary><c>exports/{campaign}/{file}</c>.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: <paramref name="file"/> is not one safe name segment.</exception>
    public static string Export(CampaignId campaign, string file) => ObjectName.Validate(ExportsOf(campaign) + Segment(file));

    /// <summary>Splits an export's name, <c>exports/{campaign}/{file}</c>.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: not <c>exports/{campaign}/{file}</c>, an invalid campaign id, or an unsafe name.</exception>
    public static (CampaignId Campaign, string File) ParseExport(string name)
    {
        ObjectName.Validate(name);
        var parts = name.Split('/');
        if (parts.Length != 3 || parts[0] + "/" != ExportsPrefix)
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, name, "exports are named exports/{campaign}/{file}");
        }
        return (CampaignId.Parse(parts[1]), parts[2]);
    }

    /// <summary><c>quarantine/{campaign}/</c>.</summary>
    public static string QuarantineOf(CampaignId campaign) => $"{QuarantinePrefix}{campaign}/";

    /// <summary><c>quarantine/{campaign}/{file}</c>: the untouched copy of a rejected export.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: <paramref name="file"/> is not one safe name segment.</exception>
    public static string Quarantine(CampaignId campaign, string file) => ObjectName.Validate(QuarantineOf(campaign) + Segment(file));

    /// <summary><c>quarantine/{campaign}/{file}.error.json</c>: why it was rejected.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: <paramref name="file"/> is not one safe name segment.</exception>
    public static string QuarantineError(CampaignId campaign, string file) => Quarantine(campaign, file) + ErrorSuffix;

    /// <summary>True for a <c>quarantine/{campaign}/{file}.error.json</c> name.</summary>
    public static bool IsQuarantineError(string name) =>
        name is not null && name.StartsWith(QuarantinePrefix, StringComparison.Ordinal) && name.EndsWith(ErrorSuffix, StringComparison.Ordinal)
        && name.Split('/').Length == 3;

    /// <summary><c>datasets/{campaign}/manifest.json</c>: names the campaign's current dataset object.</summary>
    public static string DatasetManifest(CampaignId campaign) => $"{DatasetsPrefix}{campaign}/manifest.json";

    /// <summary><c>datasets/{campaign}/panel-{hash}.parquet</c>: a merged panel, content-addressed.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the hash is not lowercase hex.</exception>
    public static string DatasetPanel(CampaignId campaign, string hash) => $"{DatasetsPrefix}{campaign}/{PanelPrefix}{Hex(hash)}.parquet";

    /// <summary><c>datasets/{campaign}/shard-{hash}.parquet</c>: a validated holdout export, content-addressed.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the hash is not lowercase hex.</exception>
    public static string DatasetShard(CampaignId campaign, string hash) => $"{DatasetsPrefix}{campaign}/shard-{Hex(hash)}.parquet";

    /// <summary>
    /// <c>datasets/{campaign}/stats-{hash}.bin</c>: the statistics of one row-group range of a shard, named by a hash of the
    /// shard copy, the range, the options and caps that change the numbers, and the engine version.
    /// </summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the hash is not lowercase hex.</exception>
    public static string ShardStatistics(CampaignId campaign, string hash) => $"{DatasetsPrefix}{campaign}/stats-{Hex(hash)}.bin";

    /// <summary>True when <paramref name="name"/> is a shard copy of <paramref name="campaign"/> (<c>datasets/{campaign}/shard-{hash}.parquet</c>).</summary>
    public static bool IsDatasetShard(CampaignId campaign, string name)
    {
        string prefix = $"{DatasetsPrefix}{campaign}/shard-";
        return name is not null && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".parquet", StringComparison.Ordinal)
            && IsHex(name[prefix.Length..^".parquet".Length]);
    }

    /// <summary><c>datasets/{campaign}/holdout-{hash}.json</c>: a holdout dataset's list of shards, content-addressed.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the hash is not lowercase hex.</exception>
    public static string HoldoutShardList(CampaignId campaign, string hash) => $"{DatasetsPrefix}{campaign}/{HoldoutPrefix}{Hex(hash)}{Json}";

    /// <summary>The content hash a dataset object is named by (<c>panel-{hash}.parquet</c> or <c>holdout-{hash}.json</c>).</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: <paramref name="dataset"/> is not such an object name.</exception>
    public static string DatasetHash(string dataset)
    {
        var parts = (dataset ?? "").Split('/');
        if (parts.Length == 3 && parts[0] + "/" == DatasetsPrefix && CampaignId.TryParse(parts[1], out _))
        {
            var stem = parts[2].Split('.')[0];
            foreach (var prefix in new[] { PanelPrefix, HoldoutPrefix })
            {
                if (stem.StartsWith(prefix, StringComparison.Ordinal) && IsHex(stem[prefix.Length..]))
                {
                    return stem[prefix.Length..];
                }
            }
        }
        throw new ObjectStoreException(ObjectStoreException.InvalidName, dataset ?? "", "a dataset is datasets/{campaign}/panel-{hash}.parquet or holdout-{hash}.json");
    }

    /// <summary><c>reports/{campaign}/</c>: every report of a campaign.</summary>
    public static string ReportsOf(CampaignId campaign) => $"{ReportsPrefix}{campaign}/";

    /// <summary><c>reports/{campaign}/{runId}/</c>: the folder of one run's report.</summary>
    public static string ReportFolder(CampaignId campaign, RunId runId) => $"{ReportsPrefix}{campaign}/{runId}/";

    /// <summary><c>{folder}report.json</c>, the report's data (written last: its presence marks the report complete).</summary>
    public static string ReportJson(string reportFolder) => ReportFile(reportFolder, "report.json");

    /// <summary><c>{folder}report.html</c>, the report for people.</summary>
    public static string ReportHtml(string reportFolder) => ReportFile(reportFolder, "report.html");

    /// <summary><c>{folder}report.md</c>, the report as Markdown.</summary>
    public static string ReportMarkdown(string reportFolder) => ReportFile(reportFolder, "report.md");

    /// <summary><c>reports/{campaign}/{runId}/aggregates.json</c>: the run's aggregate table (exact, or with noise).</summary>
    public static string AggregatesJson(string reportFolder) => ReportFile(reportFolder, "aggregates.json");

    /// <summary><c>reports/{campaign}/{runId}/aggregates.csv</c>: the same table, one line per row and metric.</summary>
    public static string AggregatesCsv(string reportFolder) => ReportFile(reportFolder, "aggregates.csv");

    /// <summary><c>privacy/{campaign}.json</c>: the campaign's privacy budget and its charges across runs.</summary>
    public static string PrivacyBudget(CampaignId campaign) => $"{PrivacyPrefix}{campaign}{Json}";

    /// <summary><c>privacy/{campaign}.key</c>: the campaign's secret noise key (32 random bytes, created once); never released.</summary>
    public static string PrivacyNoiseKey(CampaignId campaign) => $"{PrivacyPrefix}{campaign}.key";

    /// <summary><c>reports/{campaign}/latest.json</c>: the pointer to the campaign's newest report.</summary>
    public static string LatestReport(CampaignId campaign) => $"{ReportsPrefix}{campaign}/latest.json";

    /// <summary>
    /// <c>reports/{campaign}/design/</c>: a planning campaign's geo design, replaced when its inputs change. The name cannot
    /// clash with a run's folder in practice: run ids are named <c>nightly-…</c>, <c>run-…</c>, <c>data-…</c> and <c>export-…</c>.
    /// </summary>
    public static string DesignFolder(CampaignId campaign) => $"{ReportsPrefix}{campaign}/design/";

    /// <summary><c>reports/{campaign}/design/design.json</c>, the design's data (written last: its presence marks the design complete).</summary>
    public static string DesignJson(CampaignId campaign) => DesignFolder(campaign) + "design.json";

    /// <summary><c>reports/{campaign}/design/design.html</c>, the design for people.</summary>
    public static string DesignHtml(CampaignId campaign) => DesignFolder(campaign) + "design.html";

    /// <summary><c>reports/{campaign}/design/design.md</c>, the design's summary as Markdown.</summary>
    public static string DesignMarkdown(CampaignId campaign) => DesignFolder(campaign) + "design.md";

    /// <summary><c>reports/{campaign}/design/error.json</c>: why the design of the current inputs could not run.</summary>
    public static string DesignError(CampaignId campaign) => DesignFolder(campaign) + "error.json";

    /// <summary>
    /// <c>reports/{campaign}/inputs/{key}.json</c>: the finished measurement of one dataset, campaign.json and engine version
    /// (the key's hash), pointing at its run's report folder. Like <see cref="DesignFolder"/>, <c>inputs</c> is no run's name in practice.
    /// </summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the key is not one safe name segment.</exception>
    public static string StoredMeasurement(CampaignId campaign, string key) => ObjectName.Validate($"{ReportsPrefix}{campaign}/inputs/{Segment(key)}{Json}");

    /// <summary><c>alerts/{yyyy}/{MM}/{dd}/{alertId}.json</c> for the UTC day of <paramref name="raisedAt"/>.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the id makes an invalid object name.</exception>
    public static string Alert(string alertId, DateTimeOffset raisedAt)
    {
        var day = raisedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);
        return ObjectName.Validate($"{AlertsPrefix}{day}/{Segment(alertId)}{Json}");
    }

    /// <summary>True for a stored alert's name, <c>alerts/{yyyy}/{MM}/{dd}/{alertId}.json</c> (not a delivery record).</summary>
    public static bool IsAlert(string name)
    {
        if (name is null || !name.StartsWith(AlertsPrefix, StringComparison.Ordinal) || name.StartsWith(DeliveriesPrefix, StringComparison.Ordinal)
            || !name.EndsWith(Json, StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            ObjectName.Validate(name);
            return true;
        }
        catch (ObjectStoreException)
        {
            return false;
        }
    }

    /// <summary><c>alerts/deliveries/{alertId}/{subscriber}.json</c>: one alert's delivery state for one subscriber.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the id or subscriber name makes an invalid object name.</exception>
    public static string Delivery(string alertId, string subscriber) =>
        ObjectName.Validate($"{DeliveriesPrefix}{Segment(alertId)}/{Segment(subscriber)}{Json}");

    /// <summary><c>outbox/{alertId}/</c>: the due deliveries of one alert.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the alert id is not one safe name segment.</exception>
    public static string OutboxOf(string alertId) => $"{OutboxPrefix}{Segment(alertId)}/";

    /// <summary><c>outbox/{alertId}/{subscriber}.json</c>: one due delivery (see <see cref="OutboxPrefix"/>).</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: the alert id or subscriber is not one safe name segment.</exception>
    public static string OutboxEntry(string alertId, string subscriber) =>
        ObjectName.Validate($"{OutboxPrefix}{Segment(alertId)}/{Segment(subscriber)}{Json}");

    /// <summary>Splits <c>outbox/{alertId}/{subscriber}.json</c>; false for any other name.</summary>
    public static bool TryParseOutboxEntry(string name, out string alertId, out string subscriber)
    {
        var parts = (name ?? "").Split('/');
        bool ok = ObjectName.IsValid(name ?? "") && parts.Length == 3 && parts[0] + "/" == OutboxPrefix && parts[1].Length > 0
            && parts[2].Length > Json.Length && parts[2].EndsWith(Json, StringComparison.Ordinal);
        alertId = ok ? parts[1] : "";
        subscriber = ok ? parts[2][..^Json.Length] : "";
        return ok;
    }

    /// <summary><c>customers/{file}</c>: a customer export.</summary>
    public static string CustomerExport(string file) => ObjectName.Validate(CustomersPrefix + Segment(file));

    /// <summary>The file of a customer export's name <c>customers/{file}</c>; false for any other name (or a deeper one).</summary>
    public static bool TryParseCustomerExport(string name, out string file)
    {
        file = "";
        if (name is null || !name.StartsWith(CustomersPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        string rest = name[CustomersPrefix.Length..];
        if (rest.Length == 0 || rest.Contains('/'))
        {
            return false;
        }
        file = rest;
        return true;
    }

    /// <summary><c>quarantine/_customers/{file}</c>: a rejected customer export.</summary>
    public static string CustomerQuarantine(string file) => ObjectName.Validate(CustomersQuarantinePrefix + Segment(file));

    /// <summary><c>quarantine/_customers/{file}.error.json</c>: why the customer export was rejected.</summary>
    public static string CustomerQuarantineError(string file) => CustomerQuarantine(file) + ErrorSuffix;

    /// <summary><c>audiences/{audience}/</c>: an audience's folder.</summary>
    public static string AudienceFolder(AudienceId audience) => $"{AudiencesPrefix}{audience}/";

    /// <summary><c>audiences/{audience}/audience.json</c>: an audience's definition.</summary>
    public static string AudienceConfig(AudienceId audience) => AudienceFolder(audience) + AudienceConfigFile;

    /// <summary>The audience of a definition's name <c>audiences/{audience}/audience.json</c>; false for any other name.</summary>
    public static bool TryParseAudienceConfig(string name, out AudienceId audience)
    {
        audience = default;
        if (name is null || !name.StartsWith(AudiencesPrefix, StringComparison.Ordinal) || !name.EndsWith("/" + AudienceConfigFile, StringComparison.Ordinal))
        {
            return false;
        }
        string folder = name[AudiencesPrefix.Length..^(AudienceConfigFile.Length + 1)];
        return AudienceId.TryParse(folder, out audience);
    }

    /// <summary><c>audiences/{audience}/refreshes/{yyyy-MM-dd}/</c>: one refresh of an audience, named by the export's as-of day.</summary>
    public static string AudienceRefresh(AudienceId audience, DateOnly asOf) =>
        $"{AudienceFolder(audience)}refreshes/{asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}/";

    /// <summary><c>audiences/{audience}/refreshes/{asOf}/members.parquet</c>: who is in each segment.</summary>
    public static string AudienceMembers(AudienceId audience, DateOnly asOf) => AudienceRefresh(audience, asOf) + "members.parquet";

    /// <summary><c>audiences/{audience}/refreshes/{asOf}/validation.json</c>: the refresh's validation report.</summary>
    public static string AudienceValidationJson(AudienceId audience, DateOnly asOf) => AudienceRefresh(audience, asOf) + "validation.json";

    /// <summary><c>audiences/{audience}/refreshes/{asOf}/validation.md</c>: the same report for people.</summary>
    public static string AudienceValidationMarkdown(AudienceId audience, DateOnly asOf) => AudienceRefresh(audience, asOf) + "validation.md";

    /// <summary><c>audiences/{audience}/latest.json</c>: the latest refresh of an audience.</summary>
    public static string AudienceLatest(AudienceId audience) => AudienceFolder(audience) + "latest.json";

    /// <summary><c>assignments/{campaign}/assignment.parquet</c>: the campaign's holdout assignment.</summary>
    public static string Assignment(CampaignId campaign) => $"{AssignmentsPrefix}{campaign}/assignment.parquet";

    /// <summary><c>activations/{audience}/{surface}/</c>: one surface's activation files of an audience.</summary>
    public static string ActivationFolder(AudienceId audience, string surface) => $"{ActivationsPrefix}{audience}/{Segment(surface)}/";

    /// <summary><c>learnings/{campaign}.json</c>: what the campaign's test taught, written once when it concluded.</summary>
    public static string LearningJson(CampaignId campaign) => $"{LearningsPrefix}{campaign}{Json}";

    /// <summary><c>learnings/{campaign}.md</c>: the same for people.</summary>
    public static string LearningMarkdown(CampaignId campaign) => $"{LearningsPrefix}{campaign}.md";

    /// <summary>True for a learnings entry's JSON, <c>learnings/{campaign}.json</c>.</summary>
    public static bool IsLearningJson(string name) =>
        name is not null && name.StartsWith(LearningsPrefix, StringComparison.Ordinal) && name.EndsWith(Json, StringComparison.Ordinal)
        && CampaignId.TryParse(name[LearningsPrefix.Length..^Json.Length], out _);

    /// <summary><c>evidence/contributions/{campaign}.json</c>: a holdout campaign's contrasts from its latest measurement, replaced by the next.</summary>
    public static string Contribution(CampaignId campaign) => $"{ContributionsPrefix}{campaign}{Json}";

    /// <summary>True for a contribution, <c>evidence/contributions/{campaign}.json</c>.</summary>
    public static bool IsContribution(string name) =>
        name is not null && name.StartsWith(ContributionsPrefix, StringComparison.Ordinal) && name.EndsWith(Json, StringComparison.Ordinal)
        && CampaignId.TryParse(name[ContributionsPrefix.Length..^Json.Length], out _);
    /// <summary><c>portfolio/{runId}.json</c>: the run's portfolio digest (written once, last: its presence marks the digest complete).</summary>
    public static string PortfolioJson(RunId runId) => $"{PortfolioPrefix}{runId}{Json}";

    /// <summary><c>portfolio/{runId}.md</c>: the digest as Markdown.</summary>
    public static string PortfolioMarkdown(RunId runId) => $"{PortfolioPrefix}{runId}.md";

    /// <summary><c>portfolio/{runId}.html</c>: the digest for people.</summary>
    public static string PortfolioHtml(RunId runId) => $"{PortfolioPrefix}{runId}.html";

    /// <summary><c>runs/{runId}.json</c>: the run's manifest.</summary>
    public static string RunManifest(RunId runId) => $"{RunsPrefix}{runId}{Json}";

    private const string PanelPrefix = "panel-";
    private const string HoldoutPrefix = "holdout-";

    private static string ReportFile(string reportFolder, string file)
    {
        ArgumentNullException.ThrowIfNull(reportFolder);
        if (!reportFolder.StartsWith(ReportsPrefix, StringComparison.Ordinal) || !reportFolder.EndsWith('/'))
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, reportFolder, "a report folder is reports/{campaign}/{runId}/");
        }
        return reportFolder + file;
    }

    /// <summary>A name part that must stay one segment: no '/', and safe by <see cref="ObjectName.Validate"/>.</summary>
    private static string Segment(string part)
    {
        if (string.IsNullOrEmpty(part) || part.Contains('/'))
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, part ?? "", "a name part is one segment, without '/'");
        }
        return ObjectName.Validate(part);
    }

    private static string Hex(string hash) =>
        IsHex(hash) ? hash : throw new ObjectStoreException(ObjectStoreException.InvalidName, hash ?? "", "a content hash is lowercase hex");

    private static bool IsHex(string? text) => !string.IsNullOrEmpty(text) && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
