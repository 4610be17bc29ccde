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

    /// <summary>
    /// What a valid file can be used for: <c>measurement</c> (which includes design), <c>design</c> (a panel with no treated
    /// cells yet), <c>audiences</c> (a customers export), or null when it is invalid.
    /// </summary>
    public string? ValidFor { get; init; }
}
