using LiftPipeline.Ingestion.ParquetFormat;
using Parquet;
using Parquet.Schema;

namespace LiftPipeline.Ingestion;

/// <summary>
/// An open Parquet export: its footer (schema, row groups, writer) and access to column chunks by row group.
/// Every failure to read — bad magic, damaged footer or pages, unsupported codec — surfaces as an
/// <see cref="ExportValidationException"/> with code <see cref="ExportErrorCodes.CorruptFile"/> naming the file; a file
/// larger than its <see cref="IngestionLimits"/> (checked from the footer at open, per page when a chunk is first read,
/// always before a buffer is sized by a claimed count) with code <see cref="ExportErrorCodes.TooLarge"/>.
/// Not thread-safe: open one instance per worker to read row groups in parallel.
/// </summary>
public sealed class ExportFile : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly ParquetFooter _footer;
    private readonly ParquetReader _reader;
    private readonly DataField?[] _fields;
    private readonly bool[] _pagesChecked;

    private ExportFile(string name, Stream stream, bool leaveOpen, ParquetFooter footer, ParquetReader reader, IngestionLimits limits)
    {
        Name = name;
        Limits = limits;
        _stream = stream;
        _leaveOpen = leaveOpen;
        _footer = footer;
        _reader = reader;
        _fields = new DataField?[footer.Columns.Count];
        _pagesChecked = new bool[footer.RowGroupRows.Count * footer.Columns.Count];
        foreach (var field in reader.Schema.Fields)
        {
            if (field is DataField data && Find(field.Name) is { IsNested: false } column)
            {
                _fields[column.Index] = data;
            }
        }
    }

    /// <summary>The name used in every message about this export (a path or blob name).</summary>
    public string Name { get; }

    /// <summary>Leaf columns in schema order.</summary>
    public IReadOnlyList<ParquetColumnInfo> Columns => _footer.Columns;

    /// <summary>The limits the file was opened under; page sizes are checked against them as chunks are read.</summary>
    public IngestionLimits Limits { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length => _footer.FileLength;

    /// <summary>Total rows.</summary>
    public long Rows => _footer.Rows;

    /// <summary>Rows in each row group.</summary>
    public IReadOnlyList<long> RowGroupRows => _footer.RowGroupRows;

    /// <summary>Number of row groups.</summary>
    public int RowGroupCount => _footer.RowGroupRows.Count;

    /// <summary>Rows in the largest row group (0 when there are none): what one batch must hold.</summary>
    public long LargestRowGroupRows
    {
        get
        {
            long largest = 0;
            foreach (long rows in _footer.RowGroupRows)
            {
                largest = Math.Max(largest, rows);
            }
            return largest;
        }
    }

    /// <summary>The file-wide index of row group <paramref name="rowGroup"/>'s first row.</summary>
    public long FirstRowOf(int rowGroup)
    {
        long first = 0;
        for (int g = 0; g < rowGroup; g++)
        {
            first += _footer.RowGroupRows[g];
        }
        return first;
    }

    /// <summary>The writer as recorded in the footer (<c>created_by</c>), if any.</summary>
    public string? CreatedBy => _footer.CreatedBy;

    /// <summary>The file's key-value metadata (such as <c>liftpipeline.contract</c>); empty when the writer left none.</summary>
    public IReadOnlyDictionary<string, string> KeyValueMetadata => _footer.KeyValueMetadata;

    /// <summary>Compression codecs used by the column chunks.</summary>
    public IReadOnlyList<string> Codecs => _footer.Codecs;

    /// <summary>Opens the file at <paramref name="path"/> under <see cref="IngestionLimits.Holdout"/>; its path is the name in messages.</summary>
    public static Task<ExportFile> OpenAsync(string path, CancellationToken cancellationToken = default) => OpenAsync(path, null, cancellationToken);

    /// <summary>Opens the file at <paramref name="path"/> under <paramref name="limits"/> (null: <see cref="IngestionLimits.Holdout"/>); its path is the name in messages.</summary>
    /// <exception cref="ExportValidationException">Code not-found when there is no such file, too-large when the footer breaks a limit, corrupt-file when it cannot be read.</exception>
    public static async Task<ExportFile> OpenAsync(string path, IngestionLimits? limits, CancellationToken cancellationToken = default)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw ExportValidationException.Single(path, ExportErrorCodes.NotFound, "no such file; check the path", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ExportValidationException.Single(path, ExportErrorCodes.CorruptFile, $"the file cannot be opened: {e.Message}", inner: e);
        }
        return await OpenAsync(stream, path, limits, leaveOpen: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens an export from a readable, seekable stream under <see cref="IngestionLimits.Holdout"/>. The stream is never written.</summary>
    public static Task<ExportFile> OpenAsync(Stream stream, string name, bool leaveOpen = false, CancellationToken cancellationToken = default) =>
        OpenAsync(stream, name, null, leaveOpen, cancellationToken);

    /// <summary>
    /// Opens an export from a readable, seekable stream under <paramref name="limits"/> (null: <see cref="IngestionLimits.Holdout"/>):
    /// the footer's sizes are checked against them here, each page's when its chunk is first read. The stream is never written.
    /// </summary>
    /// <exception cref="ExportValidationException">Code too-large when the footer breaks a limit, corrupt-file when it cannot be read.</exception>
    public static async Task<ExportFile> OpenAsync(Stream stream, string name, IngestionLimits? limits, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead || !stream.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        }
        limits ??= IngestionLimits.Holdout;
        try
        {
            // The length first: the footer and the decoding footer are sized from the file.
            limits.CheckFileLength(name, stream.Length);
            ParquetFooter footer;
            try
            {
                footer = await ParquetFooter.ReadAsync(stream, limits.MaxFooterBytes, cancellationToken).ConfigureAwait(false);
            }
            catch (ParquetPageTooLargeException e)
            {
                throw ExportValidationException.Single(name, ExportErrorCodes.TooLarge,
                    IngestionLimits.Describe(e.What, e.Bytes, "bytes", limits.MaxFooterBytes, nameof(IngestionLimits.MaxFooterBytes)));
            }
            limits.Check(name, footer.FileLength, footer.Columns.Count, footer.Rows, footer.RowGroupRows);
            var patched = new PatchedFooterStream(stream, footer.DataLength, footer.BuildDecodingFooter());
            var reader = await ParquetReader.CreateAsync(patched, new ParquetOptions { TreatByteArrayAsString = false }, leaveStreamOpen: true, cancellationToken)
                .ConfigureAwait(false);
            return new ExportFile(name, stream, leaveOpen, footer, reader, limits);
        }
        catch (Exception e)
        {
            if (!leaveOpen)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            if (!IsFormatFailure(e))
            {
                throw;
            }
            throw ExportValidationException.Single(name, ExportErrorCodes.CorruptFile, $"not a readable Parquet file: {e.Message}", inner: e);
        }
    }

    /// <summary>The column named <paramref name="name"/> (exact, then case-insensitive match), or null.</summary>
    public ParquetColumnInfo? Find(string name)
    {
        ParquetColumnInfo? caseless = null;
        foreach (var column in _footer.Columns)
        {
            if (column.IsNested)
            {
                continue;
            }
            if (string.Equals(column.Name, name, StringComparison.Ordinal))
            {
                return column;
            }
            if (caseless is null && string.Equals(column.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                caseless = column;
            }
        }
        return caseless;
    }

    /// <summary>
    /// Reads one column chunk as physical values: <paramref name="values"/> receives the non-null values packed,
    /// <paramref name="definitions"/> (for optional columns) one level per row. Returns the number of non-null values.
    /// </summary>
    internal async ValueTask<int> ReadPhysicalAsync<T>(int rowGroup, ParquetColumnInfo column, Memory<T> values, Memory<int>? definitions, CancellationToken cancellationToken)
        where T : struct
    {
        var field = _fields[column.Index]
            ?? throw ExportValidationException.Single(Name, ExportErrorCodes.UnsupportedColumn, "nested or repeated columns cannot be read as export columns", column.Path);
        try
        {
            await CheckPagesAsync(rowGroup, column, cancellationToken).ConfigureAwait(false);
            var group = _reader.RowGroups[rowGroup];
            await group.ReadRawAsync(field, values, definitions, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsFormatFailure(e))
        {
            throw ExportValidationException.Single(Name, ExportErrorCodes.CorruptFile,
                $"row group {rowGroup} cannot be decoded: {e.Message}", column.Path, inner: e);
        }
        if (definitions is not { } levels)
        {
            return values.Length;
        }
        int present = 0;
        foreach (int level in levels.Span)
        {
            present += level;
        }
        return present;
    }

    /// <summary>
    /// Decodes every column chunk, nested ones included, and checks that levels agree with the row counts.
    /// Exports only read flat columns; this is the integrity check for a whole file (used by <c>lift inspect</c>).
    /// </summary>
    /// <exception cref="ExportValidationException">With code <see cref="ExportErrorCodes.CorruptFile"/> for the first damaged chunk.</exception>
    public async Task VerifyAsync(CancellationToken cancellationToken = default)
    {
        var buffers = VerificationBuffers([]);
        for (int g = 0; g < RowGroupCount; g++)
        {
            await VerifyRowGroupAsync(g, buffers, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One reusable buffer per flat column to verify, indexed by column; null for the columns in
    /// <paramref name="readElsewhere"/>, which a contract reader decodes (and so checks) itself.
    /// </summary>
    internal Columns.ColumnChunkBuffer?[] VerificationBuffers(IEnumerable<ParquetColumnInfo> readElsewhere)
    {
        // Each chunk is only decoded and dropped, so all of them share one set of arrays.
        var arrays = new Columns.ChunkArrays();
        var buffers = new Columns.ColumnChunkBuffer?[Columns.Count];
        foreach (var column in Columns)
        {
            buffers[column.Index] = column.IsNested ? null : new Columns.ColumnChunkBuffer(column, arrays);
        }
        foreach (var column in readElsewhere)
        {
            buffers[column.Index] = null;
        }
        return buffers;
    }

    /// <summary>Decodes row group <paramref name="rowGroup"/>'s flat chunks that have a buffer, and every nested chunk.</summary>
    /// <exception cref="ExportValidationException">With code <see cref="ExportErrorCodes.CorruptFile"/> for the first damaged chunk.</exception>
    internal async Task VerifyRowGroupAsync(int rowGroup, Columns.ColumnChunkBuffer?[] buffers, CancellationToken cancellationToken)
    {
        foreach (var column in Columns)
        {
            if (!column.IsNested)
            {
                if (buffers[column.Index] is { } buffer)
                {
                    await buffer.LoadAsync(this, rowGroup, cancellationToken).ConfigureAwait(false);
                }
                continue;
            }
            var leaves = _reader.Schema.GetDataFields();
            if (leaves.Length == Columns.Count)
            {
                await VerifyNestedAsync(rowGroup, column, leaves[column.Index], cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task VerifyNestedAsync(int rowGroup, ParquetColumnInfo column, DataField field, CancellationToken cancellationToken)
    {
        string? problem;
        try
        {
            await CheckPagesAsync(rowGroup, column, cancellationToken).ConfigureAwait(false);
            using var data = await _reader.RowGroups[rowGroup].ReadRawColumnDataBaseAsync(field, cancellationToken).ConfigureAwait(false);
            var repetitions = field.MaxRepetitionLevel > 0 ? data.RepetitionLevels : default;
            int rowStarts = 0;
            foreach (int level in repetitions)
            {
                rowStarts += level == 0 ? 1 : 0;
            }
            problem = repetitions.IsEmpty ? null
                : repetitions[0] != 0 ? "its first repetition level is not 0"
                : rowStarts != RowGroupRows[rowGroup] ? $"its repetition levels start {rowStarts} rows, the row group has {RowGroupRows[rowGroup]}"
                : null;
        }
        catch (Exception e) when (IsFormatFailure(e))
        {
            problem = e.Message;
        }
        if (problem is not null)
        {
            throw ExportValidationException.Single(Name, ExportErrorCodes.CorruptFile, $"row group {rowGroup} cannot be decoded: {problem}", column.Path);
        }
    }

    /// <summary>
    /// Checks the page headers of one column chunk (once per chunk, see <see cref="ParquetPageScanner"/>): Parquet.Net
    /// trusts them, and callers size buffers by the row group only after the pages are known to hold its rows.
    /// </summary>
    /// <exception cref="ExportValidationException">Corrupt-file for a damaged header, too-large for a page over <see cref="IngestionLimits.MaxPageBytes"/>.</exception>
    internal async ValueTask CheckPagesAsync(int rowGroup, ParquetColumnInfo column, CancellationToken cancellationToken)
    {
        int index = rowGroup * Columns.Count + column.Index;
        if (_pagesChecked[index])
        {
            return;
        }
        try
        {
            await ParquetPageScanner.CheckAsync(_stream, _footer.Chunks[rowGroup][column.Index], _footer.DataLength, RowGroupRows[rowGroup], !column.IsNested, Limits.MaxPageBytes, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ParquetPageTooLargeException e)
        {
            throw ExportValidationException.Single(Name, ExportErrorCodes.TooLarge,
                $"row group {rowGroup}: {IngestionLimits.Describe(e.What, e.Bytes, "bytes", Limits.MaxPageBytes, nameof(IngestionLimits.MaxPageBytes))}", column.Path);
        }
        catch (Exception e) when (IsFormatFailure(e))
        {
            throw ExportValidationException.Single(Name, ExportErrorCodes.CorruptFile, $"row group {rowGroup} cannot be decoded: {e.Message}", column.Path, inner: e);
        }
        _pagesChecked[index] = true;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Anything the decoder throws on damaged bytes, short of cancellation or our own validation errors.
    private static bool IsFormatFailure(Exception e) =>
        e is not (OperationCanceledException or ExportValidationException);
}
