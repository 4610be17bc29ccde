using System.Buffers.Text;
using LiftPipeline.Ingestion.ParquetFormat;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Ingestion.Columns;

/// <summary>
/// Turns a loaded <see cref="ColumnChunkBuffer"/> into what a contract column means: numbers, category codes,
/// periods or 0/1 flags. Each method picks the conversion once per chunk, then runs one tight loop.
/// </summary>
internal static class ColumnDecoders
{
    /// <summary>Marks a period value that could not be read (a text date that does not parse).</summary>
    public const long InvalidPeriod = long.MinValue;

    /// <summary>Marks a flag that is neither 0 nor 1.</summary>
    public const sbyte InvalidFlag = 2;

    public static bool CanBeNumber(ParquetColumnType type) => type.IsNumeric || type.Physical == ParquetPhysicalType.Boolean;

    public static bool CanBeCategory(ParquetColumnType type) => type.IsInteger ||
        (type.IsBytes && type.Kind is ParquetValueKind.Plain or ParquetValueKind.Text or ParquetValueKind.Enum or ParquetValueKind.Uuid);

    public static bool CanBeFlag(ParquetColumnType type) => type.Physical == ParquetPhysicalType.Boolean || type.IsInteger ||
        (type.Kind == ParquetValueKind.Plain && type.Physical is ParquetPhysicalType.Float or ParquetPhysicalType.Double);

    /// <summary>The kind of period a column holds, or null when it cannot hold periods.</summary>
    public static PeriodKind? PeriodKindOf(ParquetColumnType type) => type switch
    {
        { Kind: ParquetValueKind.Date, Physical: ParquetPhysicalType.Int32 } => PeriodKind.Date,
        { Kind: ParquetValueKind.Timestamp, Physical: ParquetPhysicalType.Int64 } => PeriodKind.Timestamp,
        { Physical: ParquetPhysicalType.Int96 } => PeriodKind.Timestamp,
        { IsInteger: true } => PeriodKind.Integer,
        { Physical: ParquetPhysicalType.ByteArray, Kind: ParquetValueKind.Text or ParquetValueKind.Plain } => PeriodKind.Date,
        _ => null,
    };

    /// <summary>Numbers per row; null rows get NaN and are flagged in <paramref name="isNull"/>. Returns the null count.</summary>
    public static int Numbers(ColumnChunkBuffer chunk, Span<double> output, Span<bool> isNull)
    {
        var type = chunk.Type;
        var defs = chunk.Definitions;
        output = output[..chunk.Rows];
        double divisor = type.Kind == ParquetValueKind.Decimal ? Math.Pow(10, type.Scale) : 1.0;
        bool unsigned = type.Kind == ParquetValueKind.UnsignedInteger;
        return type.Physical switch
        {
            ParquetPhysicalType.Double => ValueExpansion.Expand(chunk.Doubles, defs, output, isNull, double.NaN, new Identity<double>()),
            ParquetPhysicalType.Float => ValueExpansion.Expand(chunk.Floats, defs, output, isNull, double.NaN, new FloatToDouble()),
            ParquetPhysicalType.Int32 => ValueExpansion.Expand(chunk.Ints, defs, output, isNull, double.NaN, new Int32ToDouble(unsigned, divisor)),
            ParquetPhysicalType.Int64 => ValueExpansion.Expand(chunk.Longs, defs, output, isNull, double.NaN, new Int64ToDouble(unsigned, divisor)),
            ParquetPhysicalType.Boolean => ValueExpansion.Expand(chunk.Bools, defs, output, isNull, double.NaN, new BoolToDouble()),
            _ when type.Kind == ParquetValueKind.Float16 => ValueExpansion.Expand(chunk.Bytes, defs, output, isNull, double.NaN, new Float16ToDouble()),
            _ when type.Kind == ParquetValueKind.Decimal => ValueExpansion.Expand(chunk.Bytes, defs, output, isNull, double.NaN, new BigEndianDecimalToDouble(divisor)),
            _ => throw new InvalidOperationException($"Column '{chunk.Column.Path}' ({type.PhysicalName}) is not numeric."),
        };
    }

    /// <summary>Category codes per row from <paramref name="dictionary"/>; null rows get -1. Returns the null count.</summary>
    public static int Categories(ColumnChunkBuffer chunk, CategoryDictionary dictionary, Span<int> codes)
    {
        var defs = chunk.Definitions;
        codes = codes[..chunk.Rows];
        return chunk.Type.Physical switch
        {
            ParquetPhysicalType.Int32 => ValueExpansion.Expand(chunk.Ints, defs, codes, default, -1, new IntegerCategory(dictionary)),
            ParquetPhysicalType.Int64 => ValueExpansion.Expand(chunk.Longs, defs, codes, default, -1, new IntegerCategory(dictionary)),
            _ => ValueExpansion.Expand(chunk.Bytes, defs, codes, default, -1, new TextCategory(dictionary, chunk.Instances)),
        };
    }

    /// <summary>
    /// Period values per row (see <see cref="Period.Value"/>); null rows are flagged in <paramref name="isNull"/>,
    /// unreadable ones get <see cref="InvalidPeriod"/>. Returns the null count.
    /// </summary>
    public static int Periods(ColumnChunkBuffer chunk, Span<long> output, Span<bool> isNull)
    {
        var type = chunk.Type;
        var defs = chunk.Definitions;
        output = output[..chunk.Rows];
        return type.Physical switch
        {
            ParquetPhysicalType.Int32 => ValueExpansion.Expand(chunk.Ints, defs, output, isNull, 0L, new Int32ToInt64()),
            ParquetPhysicalType.Int64 when type.Kind == ParquetValueKind.Timestamp => ValueExpansion.Expand(chunk.Longs, defs, output, isNull, 0L, type.Unit switch
            {
                ParquetTimeUnit.Millis => new TimestampToMicros(1000, 1),
                ParquetTimeUnit.Nanos => new TimestampToMicros(1, 1000),
                _ => new TimestampToMicros(1, 1),
            }),
            ParquetPhysicalType.Int64 => ValueExpansion.Expand(chunk.Longs, defs, output, isNull, 0L, new Identity<long>()),
            ParquetPhysicalType.Int96 => ValueExpansion.Expand(chunk.Bytes, defs, output, isNull, 0L, new Int96ToMicros()),
            _ => ValueExpansion.Expand(chunk.Bytes, defs, output, isNull, 0L, new IsoDateToDays()),
        };
    }

    /// <summary>Flags per row: 0, 1, -1 for null, <see cref="InvalidFlag"/> for any other value.</summary>
    public static void Flags(ColumnChunkBuffer chunk, Span<sbyte> output)
    {
        var defs = chunk.Definitions;
        output = output[..chunk.Rows];
        _ = chunk.Type.Physical switch
        {
            ParquetPhysicalType.Boolean => ValueExpansion.Expand(chunk.Bools, defs, output, default, (sbyte)-1, new BoolFlag()),
            ParquetPhysicalType.Int32 => ValueExpansion.Expand(chunk.Ints, defs, output, default, (sbyte)-1, new Int32Flag()),
            ParquetPhysicalType.Int64 => ValueExpansion.Expand(chunk.Longs, defs, output, default, (sbyte)-1, new Int64Flag()),
            ParquetPhysicalType.Float => ValueExpansion.Expand(chunk.Floats, defs, output, default, (sbyte)-1, new FloatFlag()),
            _ => ValueExpansion.Expand(chunk.Doubles, defs, output, default, (sbyte)-1, new DoubleFlag()),
        };
    }

    private readonly struct TextCategory(CategoryDictionary dictionary, InstanceCodeCache instances) : IValueConverter<ReadOnlyMemory<byte>, int>
    {
        public int Convert(ReadOnlyMemory<byte> value) => instances.CodeOf(value, dictionary);
    }

    private readonly struct IntegerCategory(CategoryDictionary dictionary) : IValueConverter<int, int>, IValueConverter<long, int>
    {
        public int Convert(int value) => dictionary.GetOrAdd(value);

        public int Convert(long value) => dictionary.GetOrAdd(value);
    }

    private readonly struct Int32ToInt64 : IValueConverter<int, long>
    {
        public long Convert(int value) => value;
    }

    /// <summary>Text dates in ISO form <c>yyyy-MM-dd</c> (as CSV-born exports often carry) to days since 1970-01-01.</summary>
    private readonly struct IsoDateToDays : IValueConverter<ReadOnlyMemory<byte>, long>
    {
        private static readonly int EpochDayNumber = new DateOnly(1970, 1, 1).DayNumber;

        public long Convert(ReadOnlyMemory<byte> value)
        {
            var text = value.Span;
            if (text.Length != 10 || text[4] != '-' || text[7] != '-' ||
                !Utf8Parser.TryParse(text[..4], out int year, out int n1) || n1 != 4 ||
                !Utf8Parser.TryParse(text.Slice(5, 2), out int month, out int n2) || n2 != 2 ||
                !Utf8Parser.TryParse(text.Slice(8, 2), out int day, out int n3) || n3 != 2 ||
                year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return InvalidPeriod;
            }
            return new DateOnly(year, month, day).DayNumber - EpochDayNumber;
        }
    }

    private readonly struct BoolFlag : IValueConverter<bool, sbyte>
    {
        public sbyte Convert(bool value) => value ? (sbyte)1 : (sbyte)0;
    }

    private readonly struct Int32Flag : IValueConverter<int, sbyte>
    {
        public sbyte Convert(int value) => value is 0 or 1 ? (sbyte)value : InvalidFlag;
    }

    private readonly struct Int64Flag : IValueConverter<long, sbyte>
    {
        public sbyte Convert(long value) => value is 0 or 1 ? (sbyte)value : InvalidFlag;
    }

    private readonly struct FloatFlag : IValueConverter<float, sbyte>
    {
        public sbyte Convert(float value) => value == 0f ? (sbyte)0 : value == 1f ? (sbyte)1 : InvalidFlag;
    }

    private readonly struct DoubleFlag : IValueConverter<double, sbyte>
    {
        public sbyte Convert(double value) => value == 0d ? (sbyte)0 : value == 1d ? (sbyte)1 : InvalidFlag;
    }
}
