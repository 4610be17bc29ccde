using LiftPipeline.Ingestion.ParquetFormat;

namespace LiftPipeline.Ingestion.Columns;

/// <summary>
/// Reusable buffers holding one column chunk as physical values: non-null values packed at the front,
/// and for optional columns one definition level per row (1 = present). Buffers grow to the largest
/// row group seen and are reused, so reading a file allocates per row group size, not per row.
/// Buffers of columns that are each converted before the next one is loaded can share one <see cref="ChunkArrays"/>.
/// </summary>
internal sealed class ColumnChunkBuffer(ParquetColumnInfo column, ChunkArrays? arrays = null)
{
    private readonly ChunkArrays _arrays = arrays ?? new ChunkArrays();
    private InstanceCodeCache? _instances;

    public ParquetColumnInfo Column { get; } = column;

    public ParquetColumnType Type => Column.Type;

    /// <summary>Rows in the chunk last loaded.</summary>
    public int Rows { get; private set; }

    /// <summary>Non-null values in the chunk last loaded.</summary>
    public int Present { get; private set; }

    public bool HasNulls => Present < Rows;

    public ReadOnlySpan<int> Definitions => Column.IsOptional ? _arrays.Definitions.AsSpan(0, Rows) : default;

    public ReadOnlySpan<bool> Bools => _arrays.Bools.AsSpan(0, Present);

    public ReadOnlySpan<int> Ints => _arrays.Ints.AsSpan(0, Present);

    public ReadOnlySpan<long> Longs => _arrays.Longs.AsSpan(0, Present);

    public ReadOnlySpan<float> Floats => _arrays.Floats.AsSpan(0, Present);

    public ReadOnlySpan<double> Doubles => _arrays.Doubles.AsSpan(0, Present);

    public ReadOnlySpan<ReadOnlyMemory<byte>> Bytes => _arrays.Bytes.AsSpan(0, Present);

    /// <summary>Category codes of the loaded chunk's byte-array instances, cleared on every load.</summary>
    public InstanceCodeCache Instances => _instances ??= new InstanceCodeCache();

    /// <summary>Loads the chunk of <paramref name="rowGroup"/>; buffers are sized only after its page headers show they hold the row group's rows.</summary>
    public async ValueTask LoadAsync(ExportFile file, int rowGroup, CancellationToken cancellationToken)
    {
        await file.CheckPagesAsync(rowGroup, Column, cancellationToken).ConfigureAwait(false);
        int rows = checked((int)file.RowGroupRows[rowGroup]);
        Memory<int>? definitions = null;
        if (Column.IsOptional)
        {
            Grow(ref _arrays.Definitions, rows);
            definitions = _arrays.Definitions.AsMemory(0, rows);
        }
        Rows = rows;
        _instances?.Clear();
        Present = Type.Physical switch
        {
            ParquetPhysicalType.Boolean => await file.ReadPhysicalAsync(rowGroup, Column, Grow(ref _arrays.Bools, rows), definitions, cancellationToken).ConfigureAwait(false),
            ParquetPhysicalType.Int32 => await file.ReadPhysicalAsync(rowGroup, Column, Grow(ref _arrays.Ints, rows), definitions, cancellationToken).ConfigureAwait(false),
            ParquetPhysicalType.Int64 => await file.ReadPhysicalAsync(rowGroup, Column, Grow(ref _arrays.Longs, rows), definitions, cancellationToken).ConfigureAwait(false),
            ParquetPhysicalType.Float => await file.ReadPhysicalAsync(rowGroup, Column, Grow(ref _arrays.Floats, rows), definitions, cancellationToken).ConfigureAwait(false),
            ParquetPhysicalType.Double => await file.ReadPhysicalAsync(rowGroup, Column, Grow(ref _arrays.Doubles, rows), definitions, cancellationToken).ConfigureAwait(false),
            _ => await file.ReadPhysicalAsync(rowGroup, Column, Grow(ref _arrays.Bytes, rows), definitions, cancellationToken).ConfigureAwait(false),
        };
        // A flat optional column has definition levels 0 and 1 only; damaged levels would make Present overrun the values.
        if (Column.IsOptional && (Present > rows || _arrays.Definitions.AsSpan(0, rows).ContainsAnyExcept(0, 1)))
        {
            Rows = Present = 0;
            throw ExportValidationException.Single(file.Name, ExportErrorCodes.CorruptFile,
                $"row group {rowGroup} cannot be decoded: its definition levels are not 0 or 1", Column.Path);
        }
    }

    /// <summary>True when row <paramref name="row"/> of the loaded chunk is null.</summary>
    public bool IsNull(int row) => Column.IsOptional && _arrays.Definitions[row] == 0;

    private static Memory<T> Grow<T>(ref T[] buffer, int rows)
    {
        if (buffer.Length < rows)
        {
            buffer = new T[rows];
        }
        return buffer.AsMemory(0, rows);
    }
}

/// <summary>The physical-value arrays behind one or more <see cref="ColumnChunkBuffer"/>s, grown on demand.</summary>
internal sealed class ChunkArrays
{
    // Fields, so a buffer can grow them in place by ref.
    public int[] Definitions = [];
    public bool[] Bools = [];
    public int[] Ints = [];
    public long[] Longs = [];
    public float[] Floats = [];
    public double[] Doubles = [];
    public ReadOnlyMemory<byte>[] Bytes = [];
}
