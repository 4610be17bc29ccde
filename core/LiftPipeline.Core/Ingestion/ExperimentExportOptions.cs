namespace LiftPipeline.Core.Ingestion;

/// <summary>How to read a customer-level experiment export. Defaults follow the contract in DESIGN.md.</summary>
public sealed record ExperimentExportOptions
{
    /// <summary>Contract name → file column. Default: the contract names themselves.</summary>
    public ColumnMapping Columns { get; init; } = ColumnMapping.Default;

    /// <summary>Outcome columns. Default (null): every numeric column that is not a contract column, <c>spend</c> or <c>pre_*</c>.</summary>
    public IReadOnlyList<string>? Outcomes { get; init; }

    /// <summary>Outcomes declared counts: a negative value is an error. Default: none.</summary>
    public IReadOnlySet<string> CountOutcomes { get; init; } = new HashSet<string>();
}
