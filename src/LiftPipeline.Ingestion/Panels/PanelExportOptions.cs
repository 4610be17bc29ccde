namespace LiftPipeline.Ingestion.Panels;

/// <summary>How to read a panel export. Defaults follow the panel export contract (README, "Export contracts").</summary>
public sealed record PanelExportOptions
{
    /// <summary>Contract name → file column. Default: the contract names themselves.</summary>
    public ColumnMapping Columns { get; init; } = ColumnMapping.Default;

    /// <summary>Metric columns to load. Default (null): every numeric, non-boolean column outside the contract.</summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <summary>Metrics declared counts (conversions, orders): a negative value is an error. Default: none.</summary>
    public IReadOnlySet<string> CountMetrics { get; init; } = new HashSet<string>();

    /// <summary>
    /// Allow a unit's treated flag to go from 1 back to 0. Only for merging a campaign's dataset, whose increments are
    /// checked one by one; no estimator measures a switchback, so neither the CLI nor campaign.json sets it. Default: false.
    /// </summary>
    public bool AllowTreatmentReversal { get; init; }

    /// <summary>
    /// The export is an increment of a campaign's dataset (new periods or units): the checks that need the whole panel —
    /// a pre-period before treatment and a never-treated unit — are skipped here and left to measurement, since increments may arrive in any order. Default false.
    /// </summary>
    public bool Increment { get; init; }

    /// <summary>Size limits checked before anything is allocated. Default: <see cref="IngestionLimits.Panel"/>.</summary>
    public IngestionLimits Limits { get; init; } = IngestionLimits.Panel;
}
