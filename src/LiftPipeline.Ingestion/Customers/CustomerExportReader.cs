using System.Runtime.CompilerServices;
using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Ingestion.Customers;

/// <summary>
/// Streams a <c>customers</c> export (one row per customer, docs/audiences.md) one row group at a time into reused
/// arrays, decoding only the columns asked for, so memory follows the row-group size and not the file size. The values
/// of a row group are checked as it is read; problems are an <see cref="ExportValidationException"/> naming the file,
/// column and first rows. Not thread-safe: give each worker its own reader.
/// </summary>
public sealed class CustomerExportReader
{
    private const long MicrosPerDay = 86_400_000_000L;

    private readonly ExportFile _file;
    private readonly CustomerLayout _layout;
    private readonly CustomerExportOptions _options;
    private readonly ColumnChunkBuffer _id;
    private readonly ColumnChunkBuffer? _email;
    private readonly ColumnChunkBuffer? _phone;
    private readonly ColumnChunkBuffer[] _shared;
    private readonly ColumnChunkBuffer[] _extras;
    private readonly CustomerBatch _batch;
    private bool[] _isNull = [];
    private long[] _days = [];

    private CustomerExportReader(ExportFile file, CustomerLayout layout, CustomerExportOptions options)
    {
        _file = file;
        _layout = layout;
        _options = options;
        // Byte columns the batch hands out keep arrays of their own; everything converted on load shares one set.
        _id = new ColumnChunkBuffer(layout.Id);
        _email = layout.Email is null ? null : new ColumnChunkBuffer(layout.Email);
        _phone = layout.Phone is null ? null : new ColumnChunkBuffer(layout.Phone);
        var arrays = new ChunkArrays();
        _shared = layout.Full ? layout.Decoded.Select(c => new ColumnChunkBuffer(c, arrays)).ToArray() : [];
        _extras = layout.Extras.Select(c => new ColumnChunkBuffer(c, arrays)).ToArray();
        Extras = layout.Extras.Select(c => c.Name).ToArray();
        ExtraCategories = layout.Extras.Select(c => c.Type.IsBytes ? new CategoryDictionary() : null).ToArray();
        _batch = new CustomerBatch(layout.Id.Type.IsBytes, _extras.Length);
    }

    /// <summary>Names of the extra columns read, in batch index order.</summary>
    public IReadOnlyList<string> Extras { get; }

    /// <summary>Per extra column: its dictionary when it holds text, null when it holds numbers or dates (as days).</summary>
    public IReadOnlyList<CategoryDictionary?> ExtraCategories { get; }

    /// <summary>Age bands by code, growing as batches are read.</summary>
    public CategoryDictionary AgeBands { get; } = new();

    /// <summary>Countries by code, growing as batches are read.</summary>
    public CategoryDictionary Countries { get; } = new();

    /// <summary>True when customer ids are text, false when integers.</summary>
    public bool HasTextIds => _layout.Id.Type.IsBytes;

    /// <summary>The file's name, as errors give it.</summary>
    public string FileName => _file.Name;

    /// <summary>The file's column of customer ids (after the column mapping).</summary>
    public string IdColumn => _layout.Id.Name;

    /// <summary>True when emails are read (<see cref="CustomerExportOptions.ReadContacts"/> and the file has an <c>email</c> column).</summary>
    public bool HasEmail => _email is not null;

    /// <summary>True when phones are read (<see cref="CustomerExportOptions.ReadContacts"/> and the file has a <c>phone</c> column).</summary>
    public bool HasPhone => _phone is not null;

    /// <summary>Number of row groups.</summary>
    public int RowGroupCount => _file.RowGroupCount;

    /// <summary>The file columns this reader decodes.</summary>
    internal IReadOnlyList<ParquetColumnInfo> ColumnsRead => _layout.Read;

    /// <summary>Rows in the file.</summary>
    public long Rows => _file.Rows;

    /// <summary>Checks the export's columns against the contract and prepares to stream it.</summary>
    /// <exception cref="ExportValidationException">Missing or mistyped columns, an empty file, or a footer over <see cref="CustomerExportOptions.Limits"/>.</exception>
    public static CustomerExportReader Open(ExportFile file, CustomerExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        options ??= new CustomerExportOptions();
        options.Limits.Check(file);
        var layout = CustomerLayout.Resolve(file, options);
        options.Limits.CheckValues(file, "a row group", file.LargestRowGroupRows, layout.Read.Count);
        return new CustomerExportReader(file, layout, options);
    }

    /// <summary>Every row group in file order. Each batch is valid until the next one is read.</summary>
    public async IAsyncEnumerable<CustomerBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int g = 0; g < _file.RowGroupCount; g++)
        {
            yield return await ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads row group <paramref name="rowGroup"/> into the reader's batch and checks its values.</summary>
    public async ValueTask<CustomerBatch> ReadRowGroupAsync(int rowGroup, CancellationToken cancellationToken = default)
    {
        long firstRow = _file.FirstRowOf(rowGroup);
        foreach (var column in _layout.Read)
        {
            await _file.CheckPagesAsync(rowGroup, column, cancellationToken).ConfigureAwait(false);
        }
        int n = checked((int)_file.RowGroupRows[rowGroup]);
        _batch.Reset(firstRow, n, _layout.Full, _options.ReadContacts);
        GrowScratch(n);
        var errors = new ExportErrorCollector(_file.Name);
        await IdsAsync(rowGroup, errors, firstRow, cancellationToken).ConfigureAwait(false);
        if (_layout.Full)
        {
            await ProfileAsync(rowGroup, errors, firstRow, cancellationToken).ConfigureAwait(false);
        }
        if (_options.ReadContacts)
        {
            await ContactAsync(_email, _batch.EmailBuffer, rowGroup, cancellationToken).ConfigureAwait(false);
            await ContactAsync(_phone, _batch.PhoneBuffer, rowGroup, cancellationToken).ConfigureAwait(false);
        }
        for (int i = 0; i < _extras.Length; i++)
        {
            await ExtraAsync(i, rowGroup, cancellationToken).ConfigureAwait(false);
        }
        errors.ThrowIfAny();
        return _batch;
    }

    private async ValueTask IdsAsync(int rowGroup, ExportErrorCollector errors, long firstRow, CancellationToken cancellationToken)
    {
        await _id.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        var defs = _id.Definitions;
        int nulls;
        if (_batch.HasTextIds)
        {
            nulls = ValueExpansion.Expand(_id.Bytes, defs, _batch.TextIdBuffer.Span, _isNull, ReadOnlyMemory<byte>.Empty, new Identity<ReadOnlyMemory<byte>>());
        }
        else if (_id.Type.Physical == ParquetPhysicalType.Int32)
        {
            nulls = _id.Type.Kind == ParquetValueKind.UnsignedInteger
                ? ValueExpansion.Expand(_id.Ints, defs, _batch.IntegerIdBuffer.Span, _isNull, 0L, new UnsignedInt32ToInt64())
                : ValueExpansion.Expand(_id.Ints, defs, _batch.IntegerIdBuffer.Span, _isNull, 0L, new SignedInt32ToInt64());
        }
        else
        {
            nulls = ValueExpansion.Expand(_id.Longs, defs, _batch.IntegerIdBuffer.Span, _isNull, 0L, new Identity<long>());
            if (_id.Type.Kind == ParquetValueKind.UnsignedInteger)
            {
                var ids = _batch.IntegerIdBuffer.Span;
                for (int i = 0; i < ids.Length; i++)
                {
                    if (ids[i] < 0 && !_isNull[i])
                    {
                        errors.Add(ExportErrorCodes.InvalidValue, _id.Column.Name, "customer_id is above 2^63 - 1; export ids that large as text", firstRow + i);
                    }
                }
            }
        }
        if (nulls > 0)
        {
            Report(errors, _id.Column.Name, ExportErrorCodes.NullValue, "null customer_id", firstRow);
        }
    }

    private async ValueTask ProfileAsync(int rowGroup, ExportErrorCollector errors, long firstRow, CancellationToken cancellationToken)
    {
        var b = _batch;
        await DatesAsync(_shared[0], b.AsOfBuffer, rowGroup, errors, firstRow, nullable: false, cancellationToken).ConfigureAwait(false);
        await DatesAsync(_shared[1], b.FirstOrderBuffer, rowGroup, errors, firstRow, nullable: true, cancellationToken).ConfigureAwait(false);
        await DatesAsync(_shared[2], b.LastOrderBuffer, rowGroup, errors, firstRow, nullable: true, cancellationToken).ConfigureAwait(false);
        await NumbersAsync(_shared[3], b.OrdersBuffer, rowGroup, errors, isCount: true, firstRow, cancellationToken).ConfigureAwait(false);
        await NumbersAsync(_shared[4], b.RevenueBuffer, rowGroup, errors, isCount: false, firstRow, cancellationToken).ConfigureAwait(false);
        await NumbersAsync(_shared[5], b.DiscountedShareBuffer, rowGroup, errors, isCount: true, firstRow, cancellationToken).ConfigureAwait(false);
        CheckDiscounts(errors, _shared[5].Column.Name, firstRow);
        await CategoriesAsync(_shared[6], AgeBands, b.AgeBandBuffer, rowGroup, cancellationToken).ConfigureAwait(false);
        await CategoriesAsync(_shared[7], Countries, b.CountryBuffer, rowGroup, cancellationToken).ConfigureAwait(false);
        CheckOrderDates(errors, firstRow);
    }

    private async ValueTask DatesAsync(ColumnChunkBuffer chunk, Memory<int> memory, int rowGroup, ExportErrorCollector errors, long firstRow, bool nullable, CancellationToken cancellationToken)
    {
        await chunk.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        Dates(chunk, memory.Span, errors, firstRow, nullable);
    }

    private void Dates(ColumnChunkBuffer chunk, Span<int> output, ExportErrorCollector errors, long firstRow, bool nullable)
    {
        var days = _days.AsSpan(0, output.Length);
        int nulls = ColumnDecoders.Periods(chunk, days, _isNull);
        bool timestamp = ColumnDecoders.PeriodKindOf(chunk.Type) == PeriodKind.Timestamp;
        for (int i = 0; i < output.Length; i++)
        {
            long value = days[i];
            if (nulls > 0 && _isNull[i])
            {
                output[i] = CustomerBatch.NoDate;
                if (!nullable)
                {
                    errors.Add(ExportErrorCodes.NullValue, chunk.Column.Name, "null date", firstRow + i);
                }
                continue;
            }
            if (value == ColumnDecoders.InvalidPeriod)
            {
                output[i] = CustomerBatch.NoDate;
                errors.Add(ExportErrorCodes.InvalidValue, chunk.Column.Name, "not a date (text dates must be yyyy-MM-dd)", firstRow + i);
                continue;
            }
            output[i] = (int)(timestamp ? Math.Floor(value / (double)MicrosPerDay) : value);
        }
    }

    private async ValueTask NumbersAsync(ColumnChunkBuffer chunk, Memory<double> output, int rowGroup, ExportErrorCollector errors, bool isCount, long firstRow, CancellationToken cancellationToken)
    {
        await chunk.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        int nulls = ColumnDecoders.Numbers(chunk, output.Span, _isNull);
        MetricChecks.Check(errors, chunk.Column.Name, output.Span, _isNull, nulls, isCount, firstRow);
    }

    private async ValueTask CategoriesAsync(ColumnChunkBuffer chunk, CategoryDictionary dictionary, Memory<int> codes, int rowGroup, CancellationToken cancellationToken)
    {
        await chunk.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        ColumnDecoders.Categories(chunk, dictionary, codes.Span);
    }

    private async ValueTask ContactAsync(ColumnChunkBuffer? chunk, Memory<ReadOnlyMemory<byte>> output, int rowGroup, CancellationToken cancellationToken)
    {
        if (chunk is null)
        {
            output.Span.Clear();
            return;
        }
        await chunk.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        ValueExpansion.Expand(chunk.Bytes, chunk.Definitions, output.Span, default, ReadOnlyMemory<byte>.Empty, new Identity<ReadOnlyMemory<byte>>());
    }

    private async ValueTask ExtraAsync(int index, int rowGroup, CancellationToken cancellationToken)
    {
        var chunk = _extras[index];
        await chunk.LoadAsync(_file, rowGroup, cancellationToken).ConfigureAwait(false);
        if (ExtraCategories[index] is { } dictionary)
        {
            ColumnDecoders.Categories(chunk, dictionary, _batch.ExtraCodeBuffer(index).Span);
            return;
        }
        var numbers = _batch.ExtraNumberBuffer(index).Span;
        if (ColumnDecoders.PeriodKindOf(chunk.Type) is PeriodKind.Date or PeriodKind.Timestamp && !chunk.Type.IsInteger)
        {
            var days = _days.AsSpan(0, numbers.Length);
            int nulls = ColumnDecoders.Periods(chunk, days, _isNull);
            bool timestamp = ColumnDecoders.PeriodKindOf(chunk.Type) == PeriodKind.Timestamp;
            for (int i = 0; i < numbers.Length; i++)
            {
                numbers[i] = (nulls > 0 && _isNull[i]) || days[i] == ColumnDecoders.InvalidPeriod ? double.NaN
                    : timestamp ? Math.Floor(days[i] / (double)MicrosPerDay) : days[i];
            }
            return;
        }
        ColumnDecoders.Numbers(chunk, numbers, _isNull);
    }

    private void CheckDiscounts(ExportErrorCollector errors, string column, long firstRow)
    {
        var share = _batch.DiscountedShareBuffer.Span;
        var orders = _batch.Orders;
        bool counts = _layout.DiscountIsCount;
        for (int i = 0; i < share.Length; i++)
        {
            double value = share[i];
            if (counts)
            {
                if (value > orders[i])
                {
                    errors.Add(ExportErrorCodes.InvalidValue, column, "more discounted orders than orders", firstRow + i);
                }
                share[i] = orders[i] > 0 ? value / orders[i] : 0;
            }
            else if (value > 1)
            {
                errors.Add(ExportErrorCodes.InvalidValue, column, "a share above 1", firstRow + i);
            }
        }
    }

    private void CheckOrderDates(ExportErrorCollector errors, long firstRow)
    {
        var b = _batch;
        var first = b.FirstOrder;
        var last = b.LastOrder;
        var orders = b.Orders;
        var asOf = b.AsOf;
        string firstName = _shared[1].Column.Name;
        string lastName = _shared[2].Column.Name;
        for (int i = 0; i < first.Length; i++)
        {
            bool noDates = first[i] == CustomerBatch.NoDate || last[i] == CustomerBatch.NoDate;
            if (noDates && orders[i] > 0)
            {
                errors.Add(ExportErrorCodes.NullValue, first[i] == CustomerBatch.NoDate ? firstName : lastName, "null order date for a customer with orders", firstRow + i);
            }
            else if (!noDates && last[i] < first[i])
            {
                errors.Add(ExportErrorCodes.InvalidValue, lastName, "last order before first order", firstRow + i);
            }
            else if (!noDates && asOf[i] != CustomerBatch.NoDate && last[i] > asOf[i])
            {
                errors.Add(ExportErrorCodes.InvalidValue, lastName, "last order after as_of", firstRow + i);
            }
        }
    }

    private void Report(ExportErrorCollector errors, string column, string code, string message, long firstRow)
    {
        for (int i = 0; i < _batch.Count; i++)
        {
            if (_isNull[i])
            {
                errors.Add(code, column, message, firstRow + i);
            }
        }
    }

    private void GrowScratch(int n)
    {
        if (_isNull.Length < n)
        {
            _isNull = new bool[n];
            _days = new long[n];
        }
    }

    private readonly struct SignedInt32ToInt64 : IValueConverter<int, long>
    {
        public long Convert(int value) => value;
    }

    private readonly struct UnsignedInt32ToInt64 : IValueConverter<int, long>
    {
        public long Convert(int value) => unchecked((uint)value);
    }
}
