using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Cli.Rendering;

/// <summary>The one JSON object <c>lift measure --json</c> prints. Numbers that are not finite are written as null.</summary>
internal static class MeasurementJson
{
    public static string Write(PanelMeasurement measurement)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("design", "panel");
            writer.WriteString("metric", measurement.Metric);
            writer.WriteNumber("units", measurement.Units);
            writer.WriteNumber("periods", measurement.Periods);
            writer.WriteStartArray("treatedUnits");
            foreach (var unit in measurement.TreatedUnits)
            {
                writer.WriteStringValue(unit);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("estimates");
            foreach (var estimate in measurement.Estimates)
            {
                WriteEstimate(writer, estimate);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteEstimate(Utf8JsonWriter writer, MeasuredEstimate estimate)
    {
        writer.WriteStartObject();
        writer.WriteString("estimator", estimate.Estimator);
        if (estimate.Cell is not null)
        {
            writer.WriteString("cell", estimate.Cell);
        }
        writer.WriteFinite("att", estimate.Att);
        var uncertainty = estimate.Uncertainty;
        writer.WriteFinite("se", uncertainty?.StandardError ?? double.NaN);
        writer.WriteStartArray("ci");
        writer.WriteFiniteValue(uncertainty?.CiLow ?? double.NaN);
        writer.WriteFiniteValue(uncertainty?.CiHigh ?? double.NaN);
        writer.WriteEndArray();
        writer.WriteFinite("pValue", uncertainty?.PValue ?? double.NaN);
        if (uncertainty is not null)
        {
            writer.WriteString("seMethod", uncertainty.Method);
            if (VarianceEstimators.UsesReplications(uncertainty.Method))
            {
                writer.WriteNumber("replications", uncertainty.Replications);   // the others enumerate a fixed set; --reps does not apply
            }
        }
        writer.WriteFinite("lift", estimate.Lift);
        writer.WriteFinite("incremental", estimate.Incremental);
        writer.WriteFinite("preFitRmse", estimate.Fit.Rmse);
        writer.WriteFinite("l2Imbalance", estimate.Fit.L2Imbalance);
        writer.WriteFinite("scaledL2Imbalance", estimate.Fit.ScaledL2Imbalance);
        writer.WriteStartArray("treatedUnits");
        foreach (var unit in estimate.TreatedUnits)
        {
            writer.WriteStringValue(unit);
        }
        writer.WriteEndArray();
        writer.WriteStartObject("unitWeights");
        foreach (var weight in estimate.UnitWeights ?? [])
        {
            writer.WriteFinite(weight.Unit, weight.Weight);
        }
        writer.WriteEndObject();
        writer.WriteStartObject("timeWeights");
        foreach (var weight in estimate.TimeWeights ?? [])
        {
            writer.WriteFinite(weight.Period.ToString(), weight.Weight);
        }
        writer.WriteEndObject();
        if (estimate.Tuning.Count > 0)
        {
            writer.WriteStartObject("tuning");
            foreach (var (name, value) in estimate.Tuning)
            {
                writer.WriteFinite(name, value);
            }
            writer.WriteEndObject();
        }
        writer.WriteStartArray("effects");
        foreach (var effect in estimate.Effects)
        {
            writer.WriteStartObject();
            writer.WriteString("period", effect.Period.ToString());
            writer.WriteFinite("effect", effect.Effect);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }


}
