using System.Globalization;

namespace LiftPipeline.Ingestion;

/// <summary>
/// How large an export may be. Every count and size a file claims is checked against these before anything is
/// allocated by it, so a hostile or mistaken file costs bounded memory; breaking one is an
/// <see cref="ExportValidationException"/> with code <see cref="ExportErrorCodes.TooLarge"/> naming the setting.
/// Panel exports are read whole into memory and get small defaults (<see cref="Panel"/>); holdout exports are
/// streamed by row group and get large ones (<see cref="Holdout"/>), where the row-group size bounds memory.
/// </summary>
public sealed record IngestionLimits
{
    /// <summary>
    /// Panel defaults: 512 MiB, 5 million rows (in any row groups), 25 million values read (rows × columns read),
    /// 1,000 columns, an 8 MiB footer, 64 MiB per decompressed page.
    /// </summary>
    public static IngestionLimits Panel { get; } = new()
    {
        MaxFileBytes = 512L << 20,
        MaxRows = 5_000_000,
        MaxRowGroupRows = 5_000_000,
        MaxValues = 25_000_000,
        MaxColumns = 1_000,
        MaxFooterBytes = 8 << 20,
        MaxPageBytes = 64 << 20,
    };

    /// <summary>
    /// Holdout (customer-level) defaults: 64 GiB, 4 billion rows, 8 Mi rows per row group, 32 Mi values per row group
    /// (rows × columns read, per reading worker), 1,000 columns, a 32 MiB footer, 256 MiB per decompressed page.
    /// </summary>
    public static IngestionLimits Holdout { get; } = new()
    {
        MaxFileBytes = 64L << 30,
        MaxRows = 4_000_000_000,
        MaxRowGroupRows = 8 << 20,
        MaxValues = 32 << 20,
        MaxColumns = 1_000,
        MaxFooterBytes = 32 << 20,
        MaxPageBytes = 256 << 20,
    };

    /// <summary>
    /// These limits with room for <paramref name="rows"/> rows: <see cref="MaxRows"/> and <see cref="MaxRowGroupRows"/>
    /// become <paramref name="rows"/>, and <see cref="MaxValues"/> and <see cref="MaxFileBytes"/> grow in proportion
    /// (never below their values here); columns, footer and page limits stay. The one knob users turn for genuinely
    /// large panels (a campaign's <c>maxRows</c>, <c>lift measure --max-rows</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is not positive.</exception>
    public IngestionLimits WithMaxRows(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        return this with
        {
            MaxRows = rows,
            MaxRowGroupRows = rows,
            MaxValues = Math.Max(MaxValues, Scale(MaxValues, rows, MaxRows)),
            MaxFileBytes = Math.Max(MaxFileBytes, Scale(MaxFileBytes, rows, MaxRows)),
        };
    }

    /// <summary><paramref name="value"/> × <paramref name="rows"/> / <paramref name="per"/>, saturating at <see cref="long.MaxValue"/>.</summary>
    private static long Scale(long value, long rows, long per)
    {
        var scaled = (Int128)value * rows / Math.Max(1, per);
        return scaled > long.MaxValue ? long.MaxValue : (long)scaled;
    }

    /// <summary>Largest file in bytes.</summary>
    public required long MaxFileBytes { get; init; }

    /// <summary>Most rows in the whole file.</summary>
    public required long MaxRows { get; init; }

    /// <summary>Most rows in one row group: the readers size their buffers by a row group.</summary>
    public required long MaxRowGroupRows { get; init; }

    /// <summary>Most leaf columns.</summary>
    public required int MaxColumns { get; init; }

    /// <summary>Most values held in memory at once: rows × columns read (a panel's whole file, one row group of a holdout export).</summary>
    public required long MaxValues { get; init; }

    /// <summary>Most bytes of the footer (schema and row-group metadata), which is read and parsed whole.</summary>
    public required long MaxFooterBytes { get; init; }

    /// <summary>Most bytes one page may decompress to (data and dictionary pages).</summary>
    public required int MaxPageBytes { get; init; }

    /// <summary>Throws <see cref="ExportValidationException"/> (code too-large) when <paramref name="file"/> breaks a limit its footer shows: bytes, columns, rows, rows per row group.</summary>
    public void Check(ExportFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Check(file.Name, file.Length, file.Columns.Count, file.Rows, file.RowGroupRows);
    }

    /// <summary>Throws <see cref="ExportValidationException"/> (code too-large) when a file of <paramref name="length"/> bytes exceeds <see cref="MaxFileBytes"/>; hosts call it before copying an export anywhere.</summary>
    public void CheckFileLength(string file, long length) =>
        Check(file, null, "the file is", length, "bytes", MaxFileBytes, nameof(MaxFileBytes));

    /// <summary>
    /// Throws the too-large error when <paramref name="rows"/> rows of <paramref name="columns"/> columns read at once
    /// (a panel's whole file, a holdout row group) exceed <see cref="MaxValues"/>.
    /// </summary>
    public void CheckValues(ExportFile file, string what, long rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(file);
        long values = columns <= 0 ? 0 : rows > long.MaxValue / columns ? long.MaxValue : rows * columns;
        Check(file.Name, null, string.Create(CultureInfo.InvariantCulture, $"{what} needs {rows:N0} rows × {columns} columns ="), values, "values in memory", MaxValues, nameof(MaxValues));
    }

    /// <summary>The footer checks of <see cref="Check(ExportFile)"/>, before the file is opened for decoding.</summary>
    internal void Check(string file, long length, int columns, long rows, IReadOnlyList<long> rowGroupRows)
    {
        CheckFileLength(file, length);
        Check(file, null, "the file has", columns, "columns", MaxColumns, nameof(MaxColumns));
        Check(file, null, "the file holds", rows, "rows", MaxRows, nameof(MaxRows));
        for (int g = 0; g < rowGroupRows.Count; g++)
        {
            Check(file, null, $"row group {g} holds", rowGroupRows[g], "rows", MaxRowGroupRows, nameof(MaxRowGroupRows));
        }
    }

    /// <summary>Throws the too-large error for <paramref name="what"/> <paramref name="value"/> <paramref name="unit"/> when it exceeds <paramref name="limit"/>.</summary>
    internal static void Check(string file, string? column, string what, long value, string unit, long limit, string setting)
    {
        if (value > limit)
        {
            throw ExportValidationException.Single(file, ExportErrorCodes.TooLarge, Describe(what, value, unit, limit, setting), column);
        }
    }

    /// <summary>The one wording of a broken limit: what, its size, the limit, the setting to raise.</summary>
    internal static string Describe(string what, long value, string unit, long limit, string setting) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} {value:N0} {unit}, more than the limit of {limit:N0} ({nameof(IngestionLimits)}.{setting}); raise the limit if the export is genuine");
}
