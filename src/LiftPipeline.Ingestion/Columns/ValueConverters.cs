using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LiftPipeline.Ingestion.Columns;

/// <summary>A conversion from a physical value to what a column means; a struct so the JIT inlines it in the row loop.</summary>
internal interface IValueConverter<TIn, TOut>
{
    TOut Convert(TIn value);
}

/// <summary>The loop every column decoder shares: convert packed values and spread them over rows by definition level.</summary>
internal static class ValueExpansion
{
    /// <summary>
    /// Writes one output per row: converted value where present, <paramref name="missing"/> where null
    /// (and <paramref name="isNull"/> set, when given). Returns the number of nulls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Expand<TIn, TOut, TConverter>(ReadOnlySpan<TIn> packed, ReadOnlySpan<int> definitions, Span<TOut> output, Span<bool> isNull, TOut missing, TConverter converter)
        where TConverter : struct, IValueConverter<TIn, TOut>
    {
        if (definitions.IsEmpty || packed.Length == output.Length)
        {
            for (int i = 0; i < packed.Length; i++)
            {
                output[i] = converter.Convert(packed[i]);
            }
            if (!isNull.IsEmpty)
            {
                isNull[..output.Length].Clear();
            }
            return 0;
        }
        int next = 0;
        for (int row = 0; row < output.Length; row++)
        {
            bool present = definitions[row] != 0;
            output[row] = present ? converter.Convert(packed[next++]) : missing;
            if (!isNull.IsEmpty)
            {
                isNull[row] = !present;
            }
        }
        return output.Length - next;
    }
}

internal readonly struct Identity<T> : IValueConverter<T, T>
{
    public T Convert(T value) => value;
}

internal readonly struct BoolToDouble : IValueConverter<bool, double>
{
    public double Convert(bool value) => value ? 1.0 : 0.0;
}

internal readonly struct FloatToDouble : IValueConverter<float, double>
{
    public double Convert(float value) => value;
}

/// <summary>Signed or unsigned 32-bit integers, divided by 10^scale for decimals.</summary>
internal readonly struct Int32ToDouble(bool unsigned, double divisor) : IValueConverter<int, double>
{
    public double Convert(int value) => (unsigned ? (double)unchecked((uint)value) : value) / divisor;
}

/// <summary>Signed or unsigned 64-bit integers, divided by 10^scale for decimals.</summary>
internal readonly struct Int64ToDouble(bool unsigned, double divisor) : IValueConverter<long, double>
{
    public double Convert(long value) => (unsigned ? (double)unchecked((ulong)value) : value) / divisor;
}

/// <summary>DECIMAL stored as big-endian two's complement bytes (FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY).</summary>
internal readonly struct BigEndianDecimalToDouble(double divisor) : IValueConverter<ReadOnlyMemory<byte>, double>
{
    public double Convert(ReadOnlyMemory<byte> value)
    {
        var bytes = value.Span;
        if (bytes.IsEmpty)
        {
            return 0;
        }
        if (bytes.Length <= 8)
        {
            long unscaled = unchecked((sbyte)bytes[0]);
            for (int i = 1; i < bytes.Length; i++)
            {
                unscaled = unchecked((unscaled << 8) | bytes[i]);
            }
            return unscaled / divisor;
        }
        return (double)new BigInteger(bytes, isUnsigned: false, isBigEndian: true) / divisor;
    }
}

/// <summary>FLOAT16: two little-endian bytes of an IEEE half.</summary>
internal readonly struct Float16ToDouble : IValueConverter<ReadOnlyMemory<byte>, double>
{
    public double Convert(ReadOnlyMemory<byte> value) =>
        value.Length == 2 ? (double)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(value.Span)) : double.NaN;
}

/// <summary>Integer timestamps to microseconds since the Unix epoch; overflow saturates so range checks catch it.</summary>
internal readonly struct TimestampToMicros(long multiplier, long divisor) : IValueConverter<long, long>
{
    public long Convert(long value)
    {
        if (multiplier == 1)
        {
            return divisor == 1 ? value : FloorDiv(value, divisor);
        }
        long product = unchecked(value * multiplier);
        return product / multiplier == value ? product : (value < 0 ? long.MinValue : long.MaxValue);
    }

    private static long FloorDiv(long a, long b) => a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0);
}

/// <summary>INT96 (nanoseconds of day, then Julian day, little-endian) to microseconds since the Unix epoch.</summary>
internal readonly struct Int96ToMicros : IValueConverter<ReadOnlyMemory<byte>, long>
{
    private const long JulianDayOfUnixEpoch = 2_440_588;
    private const long MicrosPerDay = 86_400_000_000;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Convert(ReadOnlyMemory<byte> value)
    {
        var bytes = value.Span;
        if (bytes.Length != 12)
        {
            return long.MinValue;
        }
        long nanos = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        long julian = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        return unchecked((julian - JulianDayOfUnixEpoch) * MicrosPerDay + nanos / 1000);
    }
}
