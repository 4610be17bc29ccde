using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Campaigns;

/// <summary>
/// A campaign's design and settings, read from <c>campaigns/{campaign}/campaign.json</c> (docs/campaign.md documents
/// every field and its default). Immutable; built by <see cref="Parse"/>, which checks every field and reports all problems.
/// </summary>
public sealed record CampaignConfig
{
    /// <summary>The campaign id, equal to the folder name; <c>[a-z0-9-]{1,64}</c>.</summary>
    public required CampaignId Id { get; init; }

    /// <summary>A display name for reports.</summary>
    public required string Name { get; init; }

    /// <summary>Whether the nightly run re-measures the campaign. Default true.</summary>
    public bool Active { get; init; } = true;

    /// <summary>Planning (design a geo test on the exports' history) or measuring (the default). Only a panel campaign can be planning.</summary>
    public CampaignStatus Status { get; init; } = CampaignStatus.Measuring;

    /// <summary>
    /// The geo design a planning campaign runs: set (with defaults) for every planning campaign, and for a panel campaign
    /// whose campaign.json has a <c>geoDesign</c> section (kept when the test starts; read only while planning). Null otherwise.
    /// </summary>
    public GeoDesignSettings? GeoDesign { get; init; }

    /// <summary>Most rows one panel export may hold (<see cref="IngestionLimits.WithMaxRows"/>). Default: <see cref="IngestionLimits.Panel"/>'s 5,000,000.</summary>
    public long MaxRows { get; init; } = IngestionLimits.Panel.MaxRows;

    /// <summary>Panel (geo/market/cohort panel) or holdout (customer-level experiment).</summary>
    public required CampaignDesign Design { get; init; }

    /// <summary>The outcome metrics, primary first; for a panel, its metric columns. Never empty.</summary>
    public required IReadOnlyList<string> Metrics { get; init; }

    /// <summary>The unit of the primary metric ("unit", e.g. "orders" or "EUR"), shown with the metric on report axes; null when not given.</summary>
    public string? Unit { get; init; }

    /// <summary>
    /// The metric counted as revenue for iROAS (<c>revenueMetric</c>), for either design; null: <see cref="MoneyMetrics.Revenue"/>
    /// when it is one of <see cref="Metrics"/>. A holdout's <c>holdout.revenueMetric</c>, when given, wins for that holdout.
    /// </summary>
    public string? RevenueMetric { get; init; }

    /// <summary>The metric counted as conversions for cost per incremental conversion (<c>conversionMetric</c>); null: <see cref="MoneyMetrics.Conversions"/> when measured.</summary>
    public string? ConversionMetric { get; init; }

    /// <summary>Panel estimators by name (<see cref="PanelEstimators.Names"/>), the first being the primary estimate. Default SDID.</summary>
    public IReadOnlyList<string> Estimators { get; init; } = ["sdid"];

    /// <summary>Variance method (<see cref="VarianceEstimators.Names"/>), or null for point estimates only ("none"). Default placebo.</summary>
    public string? Variance { get; init; } = "placebo";

    /// <summary>Variance replications. Default 200.</summary>
    public int Replications { get; init; } = 200;

    /// <summary>Seed for every random draw. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Weight solver of SC, DIFP and SDID. Default exact.</summary>
    public WeightSolver Solver { get; init; } = WeightSolver.Exact;

    /// <summary>The treatment window; null for a panel whose export carries the treated flag.</summary>
    public TreatmentWindow? Treatment { get; init; }

    /// <summary>The arms (test cells) to report, or null for every arm in the data.</summary>
    public IReadOnlyList<string>? Arms { get; init; }

    /// <summary>How a staggered design's uncertainty treats its cohorts (<c>cohortVariance</c>): joint (default) or independent (faster, too narrow).</summary>
    public CohortVariance CohortVariance { get; init; } = CohortVariance.Joint;

    /// <summary>The default <see cref="Alpha"/>: the level of the intervals the nightly decisions read unless campaign.json sets one.</summary>
    public const double DefaultAlpha = 0.05;

    /// <summary>Significance level: intervals are (1 − α). Default <see cref="DefaultAlpha"/> (0.05).</summary>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>Webhooks that receive guardrail alerts. Default none.</summary>
    public IReadOnlyList<CampaignSubscriber> Subscribers { get; init; } = [];

    /// <summary>Guardrail thresholds. Defaults as in <see cref="GuardrailThresholds"/>.</summary>
    public GuardrailThresholds Guardrails { get; init; } = new();

    /// <summary>Contract column name → the export's column name, for exports whose names differ. Default empty.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; init; } = new Dictionary<string, string>();

    /// <summary>The holdout settings; set (with defaults) exactly when <see cref="Design"/> is holdout.</summary>
    public HoldoutSettings? Holdout { get; init; }

    /// <summary>
    /// How a holdout's numbers are released (<c>privacy</c>): cells with fewer than <c>minimumCustomers</c> customers
    /// (default 50) are suppressed in every report. Default <see cref="ReleasePolicy.Default"/>.
    /// </summary>
    public ReleasePolicy Privacy { get; init; } = ReleasePolicy.Default;

    /// <summary><see cref="Columns"/> as the mapping the export readers take.</summary>
    public ColumnMapping ColumnMapping => Columns.Count == 0 ? ColumnMapping.Default : new ColumnMapping(Columns);

    /// <summary>
    /// Parses and checks campaign.json for <paramref name="campaignId"/>. Unknown properties are errors; comments and
    /// trailing commas are allowed.
    /// </summary>
    /// <exception cref="CampaignConfigException">The document is not valid JSON or any field is invalid; lists every problem.</exception>
    public static CampaignConfig Parse(string campaignId, ReadOnlySpan<byte> json) => CampaignConfigReader.Read(campaignId, json);

    /// <summary>What the panel measurer should run for <paramref name="metric"/> (default the primary metric).</summary>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is not one of <see cref="Metrics"/>.</exception>
    public PanelMeasureOptions ToPanelMeasureOptions(string? metric = null)
    {
        metric ??= Metrics[0];
        if (!Metrics.Contains(metric, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Campaign '{Id}' does not measure '{metric}'; its metrics are {string.Join(", ", Metrics)}.", nameof(metric));
        }
        return new PanelMeasureOptions
        {
            Metric = metric,
            Estimators = Estimators,
            Settings = new PanelEstimatorSettings { Solver = Solver, Seed = Seed },
            Variance = Variance,
            VarianceOptions = new VarianceOptions { Replications = Replications, Seed = Seed, Level = 1 - Alpha },
            CohortVariance = CohortVariance,
            RevenueMetric = RevenueMetric,
            ConversionMetric = ConversionMetric,
        };
    }

    /// <summary>How to read this campaign's panel exports: its column mapping, metrics and row limit.</summary>
    public PanelExportOptions ToPanelExportOptions() => new() { Columns = ColumnMapping, Metrics = Metrics, Limits = IngestionLimits.Panel.WithMaxRows(MaxRows) };
}
