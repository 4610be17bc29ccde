using System.Runtime.CompilerServices;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Ingestion.Experiments;

/// <summary>
/// Streams a customer-level experiment export (one row per customer) in batches of one row group, reading
/// only the columns it needs into reused buffers, so memory follows the row-group size and not the file size.
/// Problems in a batch are raised as <see cref="ExportValidationException"/> when that batch is read.
/// Not thread-safe; to use several cores, give each worker its own reader and a share of <see cref="ReadRowGroupAsync"/>.
/// </summary>
public sealed class ExperimentExportReader : IExperimentCategories
{
    private readonly ExportFile _file;
    private readonly ExperimentExportOptions _options;
    private readonly ColumnChunkBuffer _arm;
    private readonly ColumnChunkBuffer? _segment;
    private readonly ColumnChunkBuffer? _surface;
    private readonly ColumnChunkBuffer? _market;
    private readonly ColumnChunkBuffer? _exposed;
    private readonly ColumnChunkBuffer? _spend;
    private readonly ColumnChunkBuffer[] _outcomes;
    private readonly ColumnChunkBuffer[] _covariates;
    private readonly ExperimentBatch _batch;
    private readonly ExperimentLayout _layout;
    private bool[] _isNull = [];

    private ExperimentExportReader(ExportFile file, ExperimentExportOptions options, ExperimentLayout layout)
    {
        _file = file;
        _options = options;
        _layout = layout;
        // Each chunk is converted into the batch before the next one loads, so all of them share one set of arrays.
        var arrays = new ChunkArrays();
        _arm = new ColumnChunkBuffer(layout.Arm, arrays);
        _segment = Buffer(layout.Segment, arrays);
        _surface = Buffer(layout.Surface, arrays);
        _market = Buffer(layout.Market, arrays);
        _exposed = Buffer(layout.Exposed, arrays);
        _spend = Buffer(layout.Spend, arrays);
        _outcomes = layout.Outcomes.Select(c => new ColumnChunkBuffer(c, arrays)).ToArray();
        _covariates = layout.Covariates.Select(c => new ColumnChunkBuffer(c, arrays)).ToArray();
        Outcomes = layout.Outcomes.Select(c => c.Name).ToArray();
        Covariates = layout.Covariates.Select(c => c.Name).ToArray();
        HasExposure = layout.Exposed is not null;
        HasSpend = layout.Spend is not null;
        _batch = new ExperimentBatch(_outcomes.Length, _covariates.Length);
    }

    /// <summary>Outcome column names, in batch index order.</summary>
    public IReadOnlyList<string> Outcomes { get; }

    /// <summary>Pre-period covariate columns (<c>pre_*</c>), in batch index order.</summary>
    public IReadOnlyList<string> Covariates { get; }

    /// <summary>Arm names by code, growing as batches are read.</summary>
    public CategoryDictionary Arms { get; } = new();

    /// <summary>Segment names by code.</summary>
    public CategoryDictionary Segments { get; } = new();

    /// <summary>Surface names by code.</summary>
    public CategoryDictionary Surfaces { get; } = new();

    /// <summary>Market names by code.</summary>
    public CategoryDictionary Markets { get; } = new();

    /// <summary>True when the export says who was exposed.</summary>
    public bool HasExposure { get; }

    /// <summary>True when the export carries spend.</summary>
    public bool HasSpend { get; }

    /// <summary>The file columns this reader decodes.</summary>
    internal IReadOnlyList<ParquetColumnInfo> ColumnsRead => _layout.Columns;

    /// <summary>Number of row groups, the unit of work for parallel readers.</summary>
    public int RowGroupCount => _file.RowGroupCount;

    IReadOnlyList<string> IExperimentCategories.ArmNames => Arms.Names;
    IReadOnlyList<string> IExperimentCategories.SegmentNames => Segments.Names;
    IReadOnlyList<string> IExperimentCategories.SurfaceNames => Surfaces.Names;
    IReadOnlyList<string> IExperimentCategories.MarketNames => Markets.Names;

    /// <summary>Checks the export's columns against the contract and prepares to stream it.</summary>
    /// <exception cref="ExportValidationException">Missing or mistyped columns, or an empty file.</exception>
    /// <exception cref="ExportValidationException">Also with code too-large when the footer breaks <see cref="ExperimentExportOptions.Limits"/>.</exception>
    public static ExperimentExportReader Open(ExportFile file, ExperimentExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        options ??= new ExperimentExportOptions();
        options.Limits.Check(file);
        var layout = ExperimentLayout.Resolve(file, options);
        options.Limits.CheckValues(file, "a row group", file.LargestRowGroupRows, layout.Columns.Count);
        return new ExperimentExportReader(file, options, layout);
    }

    /// <summary>Every row group in file order. Each batch is valid until the next one is read.</summary>
    public async IAsyncEnumerable<ExperimentBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int g = 0; g < _file.RowGroupCount; g++)
        {
            yield return await ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads row group <paramref name="rowGroup"/> into the reader's batch and checks its values.</summary>
    public async ValueTask<ExperimentBatch> ReadRowGroupAsync(int rowGroup, CancellationToken cancellationToken = default)
    {
        long firstRow = _file.FirstRowOf(rowGroup);
        // The batch is sized by the row group's row count: every chunk's pages must first show those rows are there.
        foreach (var chunk in Chunks())
        {
            await _file.CheckPagesAsync(rowGroup, chunk.Column, cancellationToken).ConfigureAwait(false);
        }
        int n = checked((int)_file.RowGroupRows[rowGroup]);
        _batch.Reset(firstRow, n);
        if (_isNull.Length < n)
        {
            _isNull = new bool[n];
        }
        var errors = new ExportErrorCollector(_file.Name);
        await _arm.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        if (ColumnDecoders.Categories(_arm, Arms, _batch.ArmBuffer.Span) > 0)
        {
            ReportNullArms(errors, firstRow);
        }
        await CategoriesAsync(_segment, Segments, _batch.SegmentBuffer, rowGroup, cancellationToken).ConfigureAwait(false);
        await CategoriesAsync(_surface, Surfaces, _batch.SurfaceBuffer, rowGroup, cancellationToken).ConfigureAwait(false);
        await CategoriesAsync(_market, Markets, _batch.MarketBuffer, rowGroup, cancellationToken).ConfigureAwait(false);
        await ExposureAsync(rowGroup, errors, firstRow, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < _outcomes.Length; i++)
        {
            await NumbersAsync(_outcomes[i], _batch.OutcomeBuffer(i), rowGroup, errors, _options.CountOutcomes.Contains(Outcomes[i]), firstRow, cancellationToken).ConfigureAwait(false);
        }
        for (int i = 0; i < _covariates.Length; i++)
        {
            await NumbersAsync(_covariates[i], _batch.CovariateBuffer(i), rowGroup, errors, false, firstRow, cancellationToken).ConfigureAwait(false);
        }
        if (_spend is null)
        {
            _batch.SpendBuffer.Span.Clear();
        }
        else
        {
            await NumbersAsync(_spend, _batch.SpendBuffer, rowGroup, errors, true, firstRow, cancellationToken).ConfigureAwait(false);
        }
        errors.ThrowIfAny();
        return _batch;
    }

    private async ValueTask CategoriesAsync(ColumnChunkBuffer? chunk, CategoryDictionary dictionary, Memory<int> codes, int rowGroup, CancellationToken cancellationToken)
    {
        if (chunk is null)
        {
            codes.Span.Fill(-1);
            return;
        }
        await chunk.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        ColumnDecoders.Categories(chunk, dictionary, codes.Span);
    }

    private async ValueTask ExposureAsync(int rowGroup, ExportErrorCollector errors, long firstRow, CancellationToken cancellationToken)
    {
        if (_exposed is null)
        {
            _batch.ExposedBuffer.Span.Fill(-1);
            return;
        }
        await _exposed.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        ColumnDecoders.Flags(_exposed, _batch.ExposedBuffer.Span);
        var flags = _batch.ExposedBuffer.Span;
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i] is < 0 or ColumnDecoders.InvalidFlag)
            {
                errors.Add(flags[i] < 0 ? ExportErrorCodes.NullValue : ExportErrorCodes.InvalidValue, _exposed.Column.Name, "exposed must be true/false or 0/1", firstRow + i);
            }
        }
    }

    private async ValueTask NumbersAsync(ColumnChunkBuffer chunk, Memory<double> output, int rowGroup, ExportErrorCollector errors, bool isCount, long firstRow, CancellationToken cancellationToken)
    {
        if (!chunk.Column.IsOptional && chunk.Type.Physical == ParquetPhysicalType.Double)
        {
            // Already what the batch holds: decoded straight into it, with no chunk buffer and no copy.
            await _file.ReadPhysicalAsync(rowGroup, chunk.Column, output, null, cancellationToken).ConfigureAwait(false);
            MetricChecks.Check(errors, chunk.Column.Name, output.Span, default, 0, isCount, firstRow);
            return;
        }
        await chunk.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        int nulls = ColumnDecoders.Numbers(chunk, output.Span, _isNull);
        MetricChecks.Check(errors, chunk.Column.Name, output.Span, _isNull.AsSpan(0, output.Length), nulls, isCount, firstRow);
    }

    private void ReportNullArms(ExportErrorCollector errors, long firstRow)
    {
        var arms = _batch.Arms;
        for (int i = 0; i < arms.Length; i++)
        {
            if (arms[i] < 0)
            {
                errors.Add(ExportErrorCodes.NullValue, _arm.Column.Name, "null arm", firstRow + i);
            }
        }
    }

    private IEnumerable<ColumnChunkBuffer> Chunks()
    {
        foreach (var chunk in new[] { _arm, _segment, _surface, _market, _exposed, _spend })
        {
            if (chunk is not null)
            {
                yield return chunk;
            }
        }
        foreach (var chunk in _outcomes)
        {
            yield return chunk;
        }
        foreach (var chunk in _covariates)
        {
            yield return chunk;
        }
    }

    private static ColumnChunkBuffer? Buffer(ParquetColumnInfo? column, ChunkArrays arrays) => column is null ? null : new ColumnChunkBuffer(column, arrays);
}

/// <summary>The file columns that play each role of the experiment contract.</summary>
internal sealed record ExperimentLayout(
    ParquetColumnInfo Arm,
    ParquetColumnInfo? Segment,
    ParquetColumnInfo? Surface,
    ParquetColumnInfo? Market,
    ParquetColumnInfo? Exposed,
    ParquetColumnInfo? Spend,
    IReadOnlyList<ParquetColumnInfo> Outcomes,
    IReadOnlyList<ParquetColumnInfo> Covariates)
{
    /// <summary>Every column the reader loads (the customer id is checked for type, never read).</summary>
    public IReadOnlyList<ParquetColumnInfo> Columns =>
        [Arm, .. new[] { Segment, Surface, Market, Exposed, Spend }.Where(c => c is not null).Select(c => c!), .. Outcomes, .. Covariates];

    public static ExperimentLayout Resolve(ExportFile file, ExperimentExportOptions options)
    {
        var errors = new ExportErrorCollector(file.Name);
        var resolver = new ContractColumnResolver(file, options.Columns, errors);
        var customer = resolver.Required(ContractColumns.CustomerId, ColumnDecoders.CanBeCategory, "text or integer");
        var arm = resolver.Required(ContractColumns.Arm, ColumnDecoders.CanBeCategory, "text or integer");
        ParquetColumnInfo? Optional(string name, Func<ParquetColumnType, bool> accepts, string expected) =>
            options.OptionalColumns is { } wanted && !wanted.Contains(name) ? null : resolver.Optional(name, accepts, expected);
        var segment = Optional(ContractColumns.Segment, ColumnDecoders.CanBeCategory, "text or integer");
        var surface = Optional(ContractColumns.Surface, ColumnDecoders.CanBeCategory, "text or integer");
        var market = Optional(ContractColumns.Market, ColumnDecoders.CanBeCategory, "text or integer");
        var exposed = Optional(ContractColumns.Exposed, ColumnDecoders.CanBeFlag, "boolean or 0/1 integer");
        var spend = Optional(ContractColumns.Spend, ColumnDecoders.CanBeNumber, "numeric");
        var allCovariates = file.Columns
            .Where(c => !c.IsNested && c.Name.StartsWith(ContractColumns.PrePrefix, StringComparison.Ordinal) && c.Type.IsNumeric)
            .ToArray();
        var covariates = options.Covariates is null ? allCovariates : resolver.Metrics(options.Covariates, []).ToArray();
        var outcomes = resolver.Metrics(options.Outcomes, [customer, arm, file.Find(ContractColumns.Segment), file.Find(ContractColumns.Surface), file.Find(ContractColumns.Market),
            file.Find(ContractColumns.Exposed), file.Find(ContractColumns.Spend), .. allCovariates]);
        errors.ThrowIfAny();
        if (file.Rows == 0)
        {
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.EmptyFile, "the export holds no rows");
        }
        return new ExperimentLayout(arm!, segment, surface, market, exposed, spend, outcomes, covariates);
    }
}
