using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The JSON of a holdout measurement. <c>lift measure --design holdout --json</c> prints <see cref="ToJson"/>:
/// <c>{"design":"holdout","control","primaryContrast","level","arms":[{"arm","n","exposed","spend"}],"contrasts":[{…}],"tails":[…],"fairness":[…],"guardrails":[{"name","status","message","evidence"}]}</c>;
/// a holdout report.json holds the same body (<see cref="WriteBody"/>) after the envelope (<see cref="ReportJson"/>).
/// In a contrast, <c>ci</c> and <c>ciAlwaysValid</c> bound <c>absolute</c> (per customer); <c>ciRelative</c> and
/// <c>ciAlwaysValidRelative</c> bound <c>relative</c>; <c>harmed</c> is true on a guardrail metric the arm harms
/// (<see cref="HoldoutMeasurement.Harms"/>). With two or more treatment arms that have an iROAS against the control, a
/// <c>budget</c> object follows the tails and fairness (<see cref="BudgetComparison.WriteJson"/>). Numbers that are not
/// defined are null. A suppressed arm or contrast
/// (<see cref="LiftPipeline.Pipeline.Privacy.ReleasePolicy"/>) keeps its labels and <c>"suppressed": true</c>, and no number;
/// the dataset's <c>customers</c> is then null.
/// </summary>
public static class HoldoutJson
{
    /// <summary>Writes the measurement as one JSON object: the design, the body and the guardrails.</summary>
    public static void Write(HoldoutMeasurement measurement, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("design", HoldoutReport.Design);
        WriteBody(measurement, writer);
        ReportJson.WriteGuardrails(writer, measurement.Guardrails);
        writer.WriteEndObject();
    }

    /// <summary>The measurement as indented JSON text (<c>\n</c> line ends).</summary>
    public static string ToJson(HoldoutMeasurement measurement)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ReportJson.Options))
        {
            Write(measurement, writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The properties of the design's body, into the open object: <c>control</c>, <c>level</c>, <c>arms</c>, <c>contrasts</c>, <c>tails</c>, <c>fairness</c>.</summary>
    public static void WriteBody(HoldoutMeasurement measurement, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("control", measurement.Control);
        if (measurement.PrimaryContrast is { } primary)
        {
            writer.WriteString("primaryContrast", $"{primary.Treatment}:{primary.Control}");
        }
        else
        {
            writer.WriteNull("primaryContrast");
        }
        writer.WriteNumber("level", measurement.Level);
        writer.WriteStartArray("arms");
        foreach (var arm in measurement.Arms)
        {
            writer.WriteStartObject();
            writer.WriteString("arm", arm.Arm);
            if (arm.Suppressed)
            {
                writer.WriteBoolean("suppressed", true);
                writer.WriteEndObject();
                continue;
            }
            writer.WriteNumber("n", arm.N);
            writer.WriteNumber("exposed", arm.Exposed);
            writer.WriteFinite("spend", arm.Spend);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("contrasts");
        foreach (var contrast in measurement.Contrasts)
        {
            WriteContrast(writer, contrast, HoldoutReport.IsHarmed(measurement, contrast));
        }
        writer.WriteEndArray();
        writer.WriteStartArray("tails");
        foreach (var tail in measurement.Tails)
        {
            writer.WriteStartObject();
            writer.WriteString("metric", tail.Metric);
            writer.WriteFinite("tailIndex", tail.TailIndex);
            writer.WriteFinite("standardError", tail.StandardError);
            writer.WriteBoolean("tooHeavyForNormalInterval", tail.TooHeavy);
            writer.WriteFinite("cap", tail.Cap ?? double.NaN);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        FairnessSection.WriteJson(writer, measurement);
        BudgetComparison.Of(measurement)?.WriteJson(writer);
    }

    /// <summary>The report's dataset object for a holdout: <c>{"customers","arms":[…],"metrics":[…]}</c> (metrics in contrast order).</summary>
    internal static void WriteDataset(HoldoutMeasurement measurement, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (measurement.Arms.Any(a => a.Suppressed))
        {
            writer.WriteNull("customers");   // the released arms' sum would be wrong, the true sum may be a suppressed total
        }
        else
        {
            writer.WriteNumber("customers", measurement.Arms.Sum(a => a.N));
        }
        writer.WriteStrings("arms", measurement.Arms.Select(a => a.Arm));
        writer.WriteStrings("metrics", measurement.Contrasts.Select(c => c.Metric).Distinct(StringComparer.Ordinal));
        writer.WriteEndObject();
    }

    private static void WriteContrast(Utf8JsonWriter writer, HoldoutContrast c, bool harmed)
    {
        writer.WriteStartObject();
        writer.WriteString("treatment", c.Treatment);
        writer.WriteString("control", c.Control);
        writer.WriteString("metric", c.Metric);
        writer.WriteString("kind", c.Kind switch { ContrastKind.Ratio => "ratio", ContrastKind.OnTreated => "on-treated", _ => "mean" });
        writer.WriteStringOrNull("segment", c.Segment);
        writer.WriteStringOrNull("surface", c.Surface);
        writer.WriteStringOrNull("market", c.Market);
        if (c.Suppressed)
        {
            writer.WriteBoolean("suppressed", true);
            writer.WriteEndObject();
            return;
        }
        writer.WriteNumber("treatmentN", c.TreatmentN);
        writer.WriteNumber("controlN", c.ControlN);
        writer.WriteFinite("treatmentMean", c.TreatmentMean);
        writer.WriteFinite("controlMean", c.ControlMean);
        writer.WriteFinite("absolute", c.Absolute);
        writer.WriteFinite("se", c.AbsoluteStandardError);
        writer.WriteFinite("relative", c.Relative);
        writer.WriteFinite("seRelative", c.RelativeStandardError);
        Pair(writer, "ci", c.Ci);
        Pair(writer, "ciAlwaysValid", c.AlwaysValidCi);
        Pair(writer, "ciRelative", c.RelativeCi);
        Pair(writer, "ciAlwaysValidRelative", c.AlwaysValidRelativeCi);
        writer.WriteFinite("pValue", c.PValue);
        writer.WriteFinite("pAdjusted", c.PAdjusted ?? double.NaN);
        writer.WriteBoolean("cuped", c.Cuped);
        writer.WriteFinite("incremental", c.Incremental);
        Pair(writer, "ciIncremental", c.IncrementalCi);
        writer.WriteFinite("incrementalPer1000", c.IncrementalPer1000);
        writer.WriteFinite("iroas", c.Iroas ?? double.NaN);
        Pair(writer, "ciIroas", c.IroasCi);
        writer.WriteFinite("costPerIncrementalConversion", c.CostPerIncrementalConversion ?? double.NaN);
        Pair(writer, "ciCostPerIncrementalConversion", c.CostPerIncrementalConversionCi);
        writer.WriteBoolean("harmed", harmed);
        writer.WriteEndObject();
    }

    private static void Pair(Utf8JsonWriter writer, string name, Interval interval)
    {
        if (!double.IsFinite(interval.Lower) && !double.IsFinite(interval.Upper))
        {
            writer.WriteNull(name);
            return;
        }
        writer.WriteStartArray(name);
        writer.WriteFiniteValue(interval.Lower);
        writer.WriteFiniteValue(interval.Upper);
        writer.WriteEndArray();
    }
}
