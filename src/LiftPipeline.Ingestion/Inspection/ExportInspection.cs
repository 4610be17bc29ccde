using LiftPipeline.Ingestion.ParquetFormat;

namespace LiftPipeline.Ingestion.Inspection;

/// <summary>What <see cref="ExportInspector"/> found in one file: its layout, its contract, and every problem.</summary>
public sealed record ExportInspection(
    string File,
    long Rows,
    int RowGroups,
    string? CreatedBy,
    IReadOnlyList<string> Codecs,
    IReadOnlyList<ParquetColumnInfo> Columns,
    ExportContract Contract,
    IReadOnlyList<ExportError> Errors)
{
    /// <summary>True when the file is readable and follows its contract.</summary>
    public bool Valid => Errors.Count == 0;
}
