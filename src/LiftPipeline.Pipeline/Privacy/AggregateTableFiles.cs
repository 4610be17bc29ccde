using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>
/// <see cref="AggregateTable"/> as aggregates.json and aggregates.csv: the same values always give the same bytes
/// (numbers round-trip, '\n' line ends); a number that is not finite is null (JSON) or empty (CSV). The noise fields are
/// written only when the table was released with noise.
/// </summary>
public static class AggregateTableFiles
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, NewLine = "\n" };

    /// <summary>aggregates.json.</summary>
    public static byte[] ToJson(AggregateTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("campaign", table.Campaign);
            w.WriteString("runId", table.RunId);
            w.WriteNumber("minimumCustomers", table.MinimumCustomers);
            w.WriteNumber("level", table.Level);
            if (table.Noise is { } noise)
            {
                w.WriteStartObject("noise");
                w.WriteString("mechanism", noise.MechanismName);
                w.WriteNumber("epsilon", noise.Epsilon);
                if (noise.Mechanism == NoiseKind.Gaussian)
                {
                    w.WriteNumber("delta", noise.Delta);
                }
                w.WriteNumber("rhoPerTable", noise.RhoPerTable);
                w.WriteStartObject("bounds");
                foreach (var metric in table.Metrics)
                {
                    w.WriteNumber(metric, noise.Bounds[metric]);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteStartArray("rows");
            foreach (var row in table.Rows)
            {
                WriteRow(w, row, table.Noise is not null);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>aggregates.csv: one line per row and metric.</summary>
    public static byte[] ToCsv(AggregateTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        bool noisy = table.Noise is not null;
        var sb = new StringBuilder(noisy
            ? "arm,breakdown,value,customers,customers_noise_sd,metric,sum,sum_noise_sd,mean,mean_noise_sd,standard_error,lower,upper\n"
            : "arm,breakdown,value,customers,metric,sum,mean,standard_error,lower,upper\n");
        foreach (var row in table.Rows)
        {
            foreach (var m in row.Metrics)
            {
                sb.Append(Csv(row.Arm)).Append(',').Append(row.Breakdown).Append(',').Append(Csv(row.Value ?? "")).Append(',').Append(Number(row.Customers));
                sb.Append(noisy ? $",{Number(row.CustomersNoiseStandardDeviation)}" : "").Append(',').Append(Csv(m.Metric)).Append(',').Append(Number(m.Sum));
                sb.Append(noisy ? $",{Number(m.SumNoiseStandardDeviation)}" : "").Append(',').Append(Number(m.Mean.Value));
                sb.Append(noisy ? $",{Number(m.Mean.NoiseStandardDeviation)}" : "");
                sb.Append(',').Append(Number(m.Mean.StandardError)).Append(',').Append(Number(m.Mean.Lower)).Append(',').Append(Number(m.Mean.Upper)).Append('\n');
            }
        }
        return new UTF8Encoding(false).GetBytes(sb.ToString());
    }

    private static void WriteRow(Utf8JsonWriter w, AggregateRow row, bool noisy)
    {
        w.WriteStartObject();
        w.WriteString("arm", row.Arm);
        w.WriteString("breakdown", row.Breakdown);
        if (row.Value is null)
        {
            w.WriteNull("value");
        }
        else
        {
            w.WriteString("value", row.Value);
        }
        Finite(w, "customers", row.Customers);
        if (noisy)
        {
            Finite(w, "customersNoiseSd", row.CustomersNoiseStandardDeviation);
        }
        w.WriteStartObject("metrics");
        foreach (var m in row.Metrics)
        {
            w.WriteStartObject(m.Metric);
            Finite(w, "sum", m.Sum);
            if (noisy)
            {
                Finite(w, "sumNoiseSd", m.SumNoiseStandardDeviation);
            }
            Finite(w, "mean", m.Mean.Value);
            if (noisy)
            {
                Finite(w, "meanNoiseSd", m.Mean.NoiseStandardDeviation);
                Finite(w, "meanSamplingSe", m.Mean.SamplingStandardError);
            }
            Finite(w, "standardError", m.Mean.StandardError);
            Finite(w, "lower", m.Mean.Lower);
            Finite(w, "upper", m.Mean.Upper);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Finite(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Number(double value) => double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>A CSV field, quoted when it holds a comma, quote or line break.</summary>
    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
