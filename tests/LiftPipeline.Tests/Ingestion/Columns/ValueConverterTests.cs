using LiftPipeline.Ingestion.Columns;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Ingestion.Columns;

/// <summary>Conversions from Parquet physical values, checked against hand-computed encodings.</summary>
public sealed class ValueConverterTests
{
    [Theory]
    [InlineData(new byte[] { 0x00, 0x64 }, 2, 1.00)]
    [InlineData(new byte[] { 0xFF, 0x9C }, 2, -1.00)]
    [InlineData(new byte[] { 0x80 }, 0, -128)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x60 }, 2, 24.00)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x85 }, 6, -0.000123)]
    public void Big_endian_decimals_become_doubles(byte[] bytes, int scale, double expected)
    {
        var converter = new BigEndianDecimalToDouble(Math.Pow(10, scale));
        Assert.Equal(expected, converter.Convert(bytes), 12);
    }

    [Theory]
    [InlineData((ushort)0x3C00, 1.0)]
    [InlineData((ushort)0xC000, -2.0)]
    [InlineData((ushort)0x8000, -0.0)]
    [InlineData((ushort)0x7BFF, 65504.0)]
    [InlineData((ushort)0x0001, 5.960464477539063e-8)]
    public void Float16_bits_become_doubles(ushort bits, double expected)
    {
        var bytes = new[] { (byte)(bits & 0xFF), (byte)(bits >> 8) };
        Assert.Equal(expected, new Float16ToDouble().Convert(bytes));
    }

    [Fact]
    public void Float16_nan_stays_nan()
    {
        Assert.True(double.IsNaN(new Float16ToDouble().Convert(new byte[] { 0x00, 0x7E })));
    }

    [Fact]
    public void Int96_is_nanoseconds_of_day_then_julian_day()
    {
        // 2024-01-01 20:34:56.123456 UTC: Julian day 2460311, 74096.123456 s into the day.
        var bytes = new byte[12];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), 74_096_123_456_000L);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), 2_460_311);
        Assert.Equal(1_704_141_296_123_456L, new Int96ToMicros().Convert(bytes));
    }

    [Theory]
    [InlineData(1_500L, 1000L, 1L, 1_500_000L)]
    [InlineData(-1_500L, 1L, 1000L, -2L)]
    [InlineData(1_999L, 1L, 1000L, 1L)]
    [InlineData(long.MaxValue / 10, 1000L, 1L, long.MaxValue)]
    public void Timestamps_become_microseconds_flooring_and_saturating(long value, long multiplier, long divisor, long expected)
    {
        Assert.Equal(expected, new TimestampToMicros(multiplier, divisor).Convert(value));
    }

    [Fact]
    public void Unsigned_integers_are_read_as_unsigned()
    {
        Assert.Equal(4_294_967_295.0, new Int32ToDouble(unsigned: true, 1).Convert(-1));
        Assert.Equal(18_446_744_073_709_551_615.0, new Int64ToDouble(unsigned: true, 1).Convert(-1));
        Assert.Equal(-1.0, new Int64ToDouble(unsigned: false, 1).Convert(-1));
        Assert.Equal(12.34, new Int64ToDouble(unsigned: false, 100).Convert(1234), 12);
    }

    [Fact]
    public void Definition_levels_spread_packed_values_over_rows()
    {
        int[] packed = [10, 20, 30];
        int[] definitions = [1, 0, 1, 0, 1];
        var output = new double[5];
        var isNull = new bool[5];

        int nulls = ValueExpansion.Expand(packed, definitions, output, isNull, double.NaN, new Int32ToDouble(false, 1));

        Assert.Equal(2, nulls);
        Assert.Equal([10.0, double.NaN, 20.0, double.NaN, 30.0], output);
        Assert.Equal([false, true, false, true, false], isNull);
    }

    [Fact]
    public void Many_distinct_categories_keep_their_codes_as_the_table_grows()
    {
        var dictionary = new CategoryDictionary();
        var names = Enumerable.Range(0, 5000).Select(i => i % 2 == 0 ? $"u{i}" : $"a-much-longer-unit-name-{i}").ToArray();

        var first = names.Select(n => dictionary.GetOrAdd(System.Text.Encoding.UTF8.GetBytes(n))).ToArray();
        var second = names.Select(n => dictionary.GetOrAdd(System.Text.Encoding.UTF8.GetBytes(n))).ToArray();

        Assert.Equal(Enumerable.Range(0, 5000), first);
        Assert.Equal(first, second);
        Assert.Equal(names, dictionary.Names);
    }

    [Fact]
    public void Periods_print_in_iso_form_and_order_by_value()
    {
        Assert.Equal("2021-04-01", Period.FromDate(new DateOnly(2021, 4, 1)).ToString());
        Assert.Equal("1989", Period.FromInteger(1989).ToString());
        Assert.Equal("2021-04-01T06:30:00Z", Period.FromTimestamp(new DateTime(2021, 4, 1, 6, 30, 0, DateTimeKind.Utc)).ToString());
        Assert.True(Period.FromInteger(3).CompareTo(Period.FromInteger(10)) < 0);
        Assert.Equal(Period.FromDate(new DateOnly(2021, 4, 1)), Period.FromTimestamp(new DateTime(2021, 4, 1, 0, 0, 0, DateTimeKind.Utc)).AsDate());
    }

    [Fact]
    public void Categories_get_dense_codes_in_order_of_first_appearance()
    {
        var dictionary = new CategoryDictionary();

        Assert.Equal(0, dictionary.GetOrAdd("vbo"u8));
        Assert.Equal(1, dictionary.GetOrAdd("holdout"u8));
        Assert.Equal(0, dictionary.GetOrAdd("vbo"u8));
        Assert.Equal(2, dictionary.GetOrAdd(42L));
        Assert.Equal(2, dictionary.GetOrAdd("42"));
        Assert.Equal(3, dictionary.GetOrAdd("Zürich"u8));
        Assert.Equal(4, dictionary.GetOrAdd("a value longer than one machine word"u8));
        Assert.Equal(4, dictionary.GetOrAdd("a value longer than one machine word"));
        Assert.Equal(["vbo", "holdout", "42", "Zürich", "a value longer than one machine word"], dictionary.Names);
    }
}
