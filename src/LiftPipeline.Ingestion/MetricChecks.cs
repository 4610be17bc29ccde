using System.Runtime.CompilerServices;

namespace LiftPipeline.Ingestion;

/// <summary>The value checks every numeric metric gets: present, finite, and non-negative when it counts something.</summary>
internal static class MetricChecks
{
    /// <summary>Reports null, NaN/±inf and (for counts) negative values; the clean path is one branch-light loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Check(ExportErrorCollector errors, string column, ReadOnlySpan<double> values, ReadOnlySpan<bool> isNull, int nulls, bool isCount, long firstRow)
    {
        bool suspicious = nulls > 0;
        double floor = isCount ? 0.0 : double.NegativeInfinity;
        for (int i = 0; i < values.Length && !suspicious; i++)
        {
            double v = values[i];
            suspicious = !double.IsFinite(v) || v < floor;
        }
        if (!suspicious)
        {
            return;
        }
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (nulls > 0 && isNull[i])
            {
                errors.Add(ExportErrorCodes.NullValue, column, "null value", firstRow + i);
            }
            else if (!double.IsFinite(v))
            {
                errors.Add(ExportErrorCodes.NonFinite, column, "NaN or infinite value", firstRow + i);
            }
            else if (v < floor)
            {
                errors.Add(ExportErrorCodes.NegativeCount, column, "negative value in a count metric", firstRow + i);
            }
        }
    }
}
