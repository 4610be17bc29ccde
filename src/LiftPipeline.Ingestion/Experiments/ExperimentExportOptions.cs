namespace LiftPipeline.Ingestion.Experiments;

/// <summary>How to read a customer-level experiment export. Defaults follow the experiment export contract (README, "Export contracts").</summary>
public sealed record ExperimentExportOptions
{
    /// <summary>Contract name → file column. Default: the contract names themselves.</summary>
    public ColumnMapping Columns { get; init; } = ColumnMapping.Default;

    /// <summary>Outcome columns. Default (null): every numeric column that is not a contract column, <c>spend</c> or <c>pre_*</c>.</summary>
    public IReadOnlyList<string>? Outcomes { get; init; }

    /// <summary>
    /// Optional contract columns to read: any of <c>segment</c>, <c>surface</c>, <c>market</c>, <c>exposed</c>, <c>spend</c>.
    /// Default (null): all that the file has. Columns left out are not read at all (column projection).
    /// </summary>
    public IReadOnlySet<string>? OptionalColumns { get; init; }

    /// <summary>Pre-period covariates to read. Default (null): every numeric <c>pre_*</c> column; empty: none.</summary>
    public IReadOnlyList<string>? Covariates { get; init; }

    /// <summary>Outcomes declared counts: a negative value is an error. Default: none.</summary>
    public IReadOnlySet<string> CountOutcomes { get; init; } = new HashSet<string>();

    /// <summary>Size limits checked before anything is allocated. Default: <see cref="IngestionLimits.Holdout"/>.</summary>
    public IngestionLimits Limits { get; init; } = IngestionLimits.Holdout;
}
