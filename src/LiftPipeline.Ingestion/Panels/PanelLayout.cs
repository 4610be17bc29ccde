using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;

namespace LiftPipeline.Ingestion.Panels;

/// <summary>
/// The file columns that play each role of the panel contract, checked for presence and type. The optional
/// <c>spend</c> column (mappable like the others) is read as spend, never as a metric.
/// </summary>
internal sealed record PanelLayout(ParquetColumnInfo Unit, ParquetColumnInfo Period, ParquetColumnInfo Treated, ParquetColumnInfo? Arm, IReadOnlyList<ParquetColumnInfo> Metrics)
{
    /// <summary>The spend column, or null when the export has none.</summary>
    public ParquetColumnInfo? Spend { get; init; }

    /// <summary>Every column the reader loads.</summary>
    public IReadOnlyList<ParquetColumnInfo> Columns =>
        [Unit, Period, Treated, .. Arm is null ? Array.Empty<ParquetColumnInfo>() : [Arm], .. Spend is null ? Array.Empty<ParquetColumnInfo>() : [Spend], .. Metrics];

    public static PanelLayout Resolve(ExportFile file, PanelExportOptions options)
    {
        var errors = new ExportErrorCollector(file.Name);
        var resolver = new ContractColumnResolver(file, options.Columns, errors);
        var unit = resolver.Required(ContractColumns.Unit, ColumnDecoders.CanBeCategory, "text or integer");
        var period = resolver.Required(ContractColumns.Period, t => ColumnDecoders.PeriodKindOf(t) is not null, "DATE, TIMESTAMP, INT96, integer or yyyy-MM-dd text");
        var treated = resolver.Required(ContractColumns.Treated, ColumnDecoders.CanBeFlag, "boolean or 0/1 integer");
        var arm = resolver.Optional(ContractColumns.Arm, ColumnDecoders.CanBeCategory, "text or integer");
        var spend = resolver.Optional(ContractColumns.Spend, ColumnDecoders.CanBeNumber, "numeric");
        if (spend is not null && options.Metrics?.Contains(spend.Name, StringComparer.Ordinal) == true)
        {
            errors.Add(ExportErrorCodes.UnsupportedColumn, spend.Name, "is the panel's spend column, read as spend (for iROAS and cost per incremental conversion), not as a metric; remove it from the metrics");
        }
        var metrics = resolver.Metrics(options.Metrics?.Where(m => m != spend?.Name).ToArray(), [unit, period, treated, arm, spend]);
        errors.ThrowIfAny();
        if (file.Rows == 0)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.EmptyFile, "the export holds no rows");
        }
        return new PanelLayout(unit!, period!, treated!, arm, metrics) { Spend = spend };
    }
}
