using System.Buffers.Text;

namespace LiftPipeline.Ingestion.Customers;

/// <summary>
/// One row group of a <c>customers</c> export, column by column in reused arrays: valid until the reader reads the next
/// row group. Dates are days since 1970-01-01 (<see cref="NoDate"/> when null); category columns are codes into the
/// reader's dictionaries (-1 when null); raw contacts are UTF-8 bytes (empty when null).
/// </summary>
public sealed class CustomerBatch
{
    /// <summary>The date of a null first/last order date (a customer with no orders).</summary>
    public const int NoDate = int.MinValue;

    private ReadOnlyMemory<byte>[] _textIds = [];
    private long[] _integerIds = [];
    private int[] _asOf = [];
    private int[] _firstOrder = [];
    private int[] _lastOrder = [];
    private double[] _orders = [];
    private double[] _revenue = [];
    private double[] _discountedShare = [];
    private int[] _ageBands = [];
    private int[] _countries = [];
    private ReadOnlyMemory<byte>[] _emails = [];
    private ReadOnlyMemory<byte>[] _phones = [];
    private readonly double[][] _extraNumbers;
    private readonly int[][] _extraCodes;

    internal CustomerBatch(bool textIds, int extras)
    {
        HasTextIds = textIds;
        _extraNumbers = new double[extras][];
        _extraCodes = new int[extras][];
        for (int i = 0; i < extras; i++)
        {
            _extraNumbers[i] = [];
            _extraCodes[i] = [];
        }
    }

    /// <summary>Index in the file of the batch's first row.</summary>
    public long FirstRow { get; private set; }

    /// <summary>Rows in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>True when customer ids are text (<see cref="TextIds"/>), false when integers (<see cref="IntegerIds"/>).</summary>
    public bool HasTextIds { get; }

    /// <summary>Text customer ids as UTF-8 bytes (empty when <see cref="HasTextIds"/> is false).</summary>
    public ReadOnlySpan<ReadOnlyMemory<byte>> TextIds => HasTextIds ? _textIds.AsSpan(0, Count) : default;

    /// <summary>Integer customer ids (empty when <see cref="HasTextIds"/> is true).</summary>
    public ReadOnlySpan<long> IntegerIds => HasTextIds ? default : _integerIds.AsSpan(0, Count);

    /// <summary><c>as_of</c> per row, days since 1970-01-01.</summary>
    public ReadOnlySpan<int> AsOf => _asOf.AsSpan(0, Count);

    /// <summary><c>first_order_date</c> per row, days since 1970-01-01 or <see cref="NoDate"/>.</summary>
    public ReadOnlySpan<int> FirstOrder => _firstOrder.AsSpan(0, Count);

    /// <summary><c>last_order_date</c> per row, days since 1970-01-01 or <see cref="NoDate"/>.</summary>
    public ReadOnlySpan<int> LastOrder => _lastOrder.AsSpan(0, Count);

    /// <summary><c>orders</c> per row.</summary>
    public ReadOnlySpan<double> Orders => _orders.AsSpan(0, Count);

    /// <summary><c>revenue</c> per row.</summary>
    public ReadOnlySpan<double> Revenue => _revenue.AsSpan(0, Count);

    /// <summary>Share of orders with a discount per row (from <c>discounted_share</c>, or <c>discounted_orders / orders</c>, 0 without orders).</summary>
    public ReadOnlySpan<double> DiscountedShare => _discountedShare.AsSpan(0, Count);

    /// <summary><c>age_band</c> codes per row (-1 null).</summary>
    public ReadOnlySpan<int> AgeBands => _ageBands.AsSpan(0, Count);

    /// <summary><c>country</c> codes per row (-1 null).</summary>
    public ReadOnlySpan<int> Countries => _countries.AsSpan(0, Count);

    /// <summary>Raw <c>email</c> per row as UTF-8 (empty when null or not read).</summary>
    public ReadOnlySpan<ReadOnlyMemory<byte>> Emails => _emails.AsSpan(0, Count);

    /// <summary>Raw <c>phone</c> per row as UTF-8 (empty when null or not read).</summary>
    public ReadOnlySpan<ReadOnlyMemory<byte>> Phones => _phones.AsSpan(0, Count);

    /// <summary>Extra column <paramref name="index"/> (see <see cref="CustomerExportReader.Extras"/>) as numbers, NaN when null; empty for a text column.</summary>
    public ReadOnlySpan<double> ExtraNumbers(int index) => _extraNumbers[index].AsSpan(0, _extraNumbers[index].Length == 0 ? 0 : Count);

    /// <summary>Extra text column <paramref name="index"/> as codes into its dictionary, -1 when null; empty for a numeric column.</summary>
    public ReadOnlySpan<int> ExtraCodes(int index) => _extraCodes[index].AsSpan(0, _extraCodes[index].Length == 0 ? 0 : Count);

    /// <summary>
    /// Writes row <paramref name="row"/>'s customer id as UTF-8 text into <paramref name="destination"/> (an integer id in
    /// invariant decimal) and returns its length: the bytes the holdout hash takes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public int WriteId(int row, Span<byte> destination)
    {
        if (HasTextIds)
        {
            var id = _textIds[row].Span;
            id.CopyTo(destination);
            return id.Length;
        }
        if (!Utf8Formatter.TryFormat(_integerIds[row], destination, out int written))
        {
            throw new ArgumentException("the destination is shorter than the id", nameof(destination));
        }
        return written;
    }

    internal void Reset(long firstRow, int count, bool full, bool contacts)
    {
        FirstRow = firstRow;
        Count = count;
        if (HasTextIds)
        {
            Grow(ref _textIds, count);
        }
        else
        {
            Grow(ref _integerIds, count);
        }
        if (full)
        {
            Grow(ref _asOf, count);
            Grow(ref _firstOrder, count);
            Grow(ref _lastOrder, count);
            Grow(ref _orders, count);
            Grow(ref _revenue, count);
            Grow(ref _discountedShare, count);
            Grow(ref _ageBands, count);
            Grow(ref _countries, count);
        }
        if (contacts)
        {
            Grow(ref _emails, count);
            Grow(ref _phones, count);
        }
    }

    internal Memory<ReadOnlyMemory<byte>> TextIdBuffer => _textIds.AsMemory(0, Count);
    internal Memory<long> IntegerIdBuffer => _integerIds.AsMemory(0, Count);
    internal Memory<int> AsOfBuffer => _asOf.AsMemory(0, Count);
    internal Memory<int> FirstOrderBuffer => _firstOrder.AsMemory(0, Count);
    internal Memory<int> LastOrderBuffer => _lastOrder.AsMemory(0, Count);
    internal Memory<double> OrdersBuffer => _orders.AsMemory(0, Count);
    internal Memory<double> RevenueBuffer => _revenue.AsMemory(0, Count);
    internal Memory<double> DiscountedShareBuffer => _discountedShare.AsMemory(0, Count);
    internal Memory<int> AgeBandBuffer => _ageBands.AsMemory(0, Count);
    internal Memory<int> CountryBuffer => _countries.AsMemory(0, Count);
    internal Memory<ReadOnlyMemory<byte>> EmailBuffer => _emails.AsMemory(0, Count);
    internal Memory<ReadOnlyMemory<byte>> PhoneBuffer => _phones.AsMemory(0, Count);

    internal Memory<double> ExtraNumberBuffer(int index)
    {
        Grow(ref _extraNumbers[index], Count);
        return _extraNumbers[index].AsMemory(0, Count);
    }

    internal Memory<int> ExtraCodeBuffer(int index)
    {
        Grow(ref _extraCodes[index], Count);
        return _extraCodes[index].AsMemory(0, Count);
    }

    private static Span<T> Grow<T>(ref T[] buffer, int count)
    {
        if (buffer.Length < count)
        {
            buffer = new T[count];
        }
        return buffer.AsSpan(0, count);
    }
}
