namespace LiftPipeline.Ingestion;

/// <summary>
/// One problem found in an export: a stable <see cref="Code"/> (see <see cref="ExportErrorCodes"/>), the column
/// it concerns, and up to five offending rows as 0-based positions in the file (DuckDB's <c>file_row_number</c>).
/// </summary>
public sealed record ExportError(string Code, string Message, string? Column, IReadOnlyList<long> Rows)
{
    /// <summary>At most this many rows are listed per error.</summary>
    public const int MaxRows = 5;

    /// <inheritdoc/>
    public override string ToString()
    {
        string column = Column is null ? "" : $"column '{Column}': ";
        string rows = Rows.Count == 0 ? "" : $" (row{(Rows.Count > 1 ? "s" : "")} {string.Join(", ", Rows)})";
        return $"[{Code}] {column}{Message}{rows}";
    }
}
