using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;

namespace LiftPipeline.Ingestion.Audiences;

/// <summary>
/// Reads the customer id, arm and (when present) exposure of one row group at a time into reused arrays — the columns a
/// holdout export and an assignment file share — for the agreement check. Rows with a null id or arm are read as absent
/// (id kind <see cref="IdKind.None"/>); the measurement's own pass reports them. Not thread-safe.
/// </summary>
internal sealed class CustomerArmRows
{
    private readonly ExportFile _file;
    private readonly ColumnChunkBuffer _id;
    private readonly ColumnChunkBuffer _arm;
    private readonly ColumnChunkBuffer? _exposed;
    private readonly ColumnChunkBuffer? _layer;
    private readonly ColumnChunkBuffer[] _metrics;
    private bool[] _idNull = [];
    private bool[] _metricNull = [];
    private double[][] _values = [];
    private int[] _layers = [];
    private ReadOnlyMemory<byte>[] _textIds = [];
    private long[] _integerIds = [];
    private int[] _arms = [];
    private sbyte[] _flags = [];

    /// <summary>Which id array holds a row's id.</summary>
    public enum IdKind { None, Text, Integer }

    private CustomerArmRows(ExportFile file, ParquetColumnInfo id, ParquetColumnInfo arm, ParquetColumnInfo? exposed, ParquetColumnInfo? layer, ParquetColumnInfo[] metrics)
    {
        _file = file;
        var arrays = new ChunkArrays();
        _id = new ColumnChunkBuffer(id);
        _arm = new ColumnChunkBuffer(arm, arrays);
        _exposed = exposed is null ? null : new ColumnChunkBuffer(exposed, arrays);
        _layer = layer is null ? null : new ColumnChunkBuffer(layer, arrays);
        _metrics = [.. metrics.Select(m => new ColumnChunkBuffer(m, arrays))];
    }

    /// <summary>Layer names by code (an assignment's <c>layer</c> column, when read), growing as row groups are read.</summary>
    public CategoryDictionary Layers { get; } = new();

    /// <summary>Arm names by code, growing as row groups are read.</summary>
    public CategoryDictionary Arms { get; } = new();

    /// <summary>True when the file has an exposure column.</summary>
    public bool HasExposure => _exposed is not null;

    /// <summary>Rows of the row group last read.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The customer id, arm and (when asked) exposure, layer and metric columns of <paramref name="file"/> under
    /// <paramref name="mapping"/>; exposure and layer are read when present.
    /// </summary>
    /// <exception cref="ExportValidationException">The id, arm or a metric column is missing or of another type.</exception>
    public static CustomerArmRows Open(ExportFile file, ColumnMapping mapping, bool readExposure, bool readLayer = false, IReadOnlyList<string>? metrics = null)
    {
        var errors = new ExportErrorCollector(file.Name);
        var resolver = new ContractColumnResolver(file, mapping, errors);
        var id = resolver.Required(ContractColumns.CustomerId, ColumnDecoders.CanBeCategory, "text or integer");
        var arm = resolver.Required(ContractColumns.Arm, ColumnDecoders.CanBeCategory, "text or integer");
        var exposed = readExposure ? resolver.Optional(ContractColumns.Exposed, ColumnDecoders.CanBeFlag, "boolean or 0/1 integer") : null;
        var layer = readLayer ? resolver.Optional(AssignmentColumns.Layer, ColumnDecoders.CanBeCategory, "text") : null;
        var values = (metrics ?? []).Select(m => resolver.Required(m, ColumnDecoders.CanBeNumber, "numeric")).ToArray();
        errors.ThrowIfAny();
        return new CustomerArmRows(file, id!, arm!, exposed, layer, [.. values.Select(v => v!)]);
    }

    /// <summary>Reads row group <paramref name="rowGroup"/>.</summary>
    public async ValueTask ReadAsync(int rowGroup, CancellationToken cancellationToken)
    {
        int n = checked((int)_file.RowGroupRows[rowGroup]);
        Count = n;
        if (_arms.Length < n)
        {
            _idNull = new bool[n];
            _arms = new int[n];
            _flags = new sbyte[n];
            _layers = new int[n];
            _metricNull = new bool[n];
            _values = [.. _metrics.Select(_ => new double[n])];
            _textIds = _id.Type.IsBytes ? new ReadOnlyMemory<byte>[n] : [];
            _integerIds = _id.Type.IsBytes ? [] : new long[n];
        }
        await _id.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        var defs = _id.Definitions;
        var isNull = _idNull.AsSpan(0, n);
        if (_id.Type.IsBytes)
        {
            ValueExpansion.Expand(_id.Bytes, defs, _textIds.AsSpan(0, n), isNull, ReadOnlyMemory<byte>.Empty, new Identity<ReadOnlyMemory<byte>>());
        }
        else if (_id.Type.Physical == ParquetPhysicalType.Int32)
        {
            ValueExpansion.Expand(_id.Ints, defs, _integerIds.AsSpan(0, n), isNull, 0L, new Int32ToInt64());
        }
        else
        {
            ValueExpansion.Expand(_id.Longs, defs, _integerIds.AsSpan(0, n), isNull, 0L, new Identity<long>());
        }
        await _arm.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        ColumnDecoders.Categories(_arm, Arms, _arms.AsSpan(0, n));
        if (_exposed is null)
        {
            _flags.AsSpan(0, n).Fill(-1);
        }
        else
        {
            await _exposed.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
            ColumnDecoders.Flags(_exposed, _flags.AsSpan(0, n));
        }
        if (_layer is not null)
        {
            await _layer.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
            ColumnDecoders.Categories(_layer, Layers, _layers.AsSpan(0, n));
        }
        for (int m = 0; m < _metrics.Length; m++)
        {
            // Null values read as NaN, which the caller skips.
            await _metrics[m].LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
            ColumnDecoders.Numbers(_metrics[m], _values[m].AsSpan(0, n), _metricNull.AsSpan(0, n));
        }
    }

    /// <summary>Row <paramref name="row"/>'s layer code in <see cref="Layers"/>; −1 when null or not read.</summary>
    public int LayerOf(int row) => _layer is null ? -1 : _layers[row];

    /// <summary>The values of metric <paramref name="metric"/> (in the order asked) of the row group last read; NaN where null.</summary>
    public ReadOnlySpan<double> Values(int metric) => _values[metric].AsSpan(0, Count);

    /// <summary>Where row <paramref name="row"/>'s id is: <see cref="TextId"/>, <see cref="IntegerId"/>, or nowhere (null id or arm).</summary>
    public IdKind KindOf(int row) => _idNull[row] || _arms[row] < 0 ? IdKind.None : _id.Type.IsBytes ? IdKind.Text : IdKind.Integer;

    /// <summary>Row <paramref name="row"/>'s id as UTF-8 (text ids only).</summary>
    public ReadOnlySpan<byte> TextId(int row) => _textIds[row].Span;

    /// <summary>Row <paramref name="row"/>'s id (integer ids only).</summary>
    public long IntegerId(int row) => _integerIds[row];

    /// <summary>Row <paramref name="row"/>'s arm code in <see cref="Arms"/>; −1 when null.</summary>
    public int ArmOf(int row) => _arms[row];

    /// <summary>True when row <paramref name="row"/> is flagged exposed.</summary>
    public bool IsExposed(int row) => _flags[row] == 1;

    /// <summary>Row <paramref name="row"/>'s id as text, for evidence (allocates; call only for the few ids kept).</summary>
    public string IdText(int row) => KindOf(row) == IdKind.Integer
        ? _integerIds[row].ToString(System.Globalization.CultureInfo.InvariantCulture)
        : System.Text.Encoding.UTF8.GetString(_textIds[row].Span);

    private readonly struct Int32ToInt64 : IValueConverter<int, long>
    {
        public long Convert(int value) => value;
    }
}
