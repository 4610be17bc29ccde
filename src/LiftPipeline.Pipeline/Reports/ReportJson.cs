using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// Writes a <see cref="LiftReport"/> as JSON (schema version <see cref="LiftReport.SchemaVersion"/>, docs/reports.md).
/// Properties come in a fixed order, dictionaries are sorted by key (ordinal), non-finite numbers are written as
/// <c>null</c>, and lines end in '\n', so the same report always gives byte-identical output. Thread-safe.
/// </summary>
public static class ReportJson
{
    private static readonly JsonWriterOptions Options = new() { Indented = true, NewLine = "\n" };

    /// <summary>Writes <paramref name="report"/> as UTF-8 JSON to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(LiftReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new Utf8JsonWriter(stream, Options);
        WriteReport(writer, report);
    }

    /// <summary>The JSON of <paramref name="report"/> as a string.</summary>
    public static string ToJson(LiftReport report)
    {
        using var buffer = new MemoryStream();
        Write(report, buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteReport(Utf8JsonWriter w, LiftReport report)
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", LiftReport.SchemaVersion);
        w.WriteString("campaign", report.Campaign);
        w.WriteString("runId", report.RunId);
        w.WriteString("generatedAt", report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        w.WriteString("design", LiftReport.Design);
        w.WriteString("metric", report.Metric);
        w.WriteFinite("level", report.Level);
        WriteDataset(w, report.Dataset);
        w.WriteStartObject("recommendation");
        w.WriteString("action", report.Recommendation.ToString().ToLowerInvariant());
        w.WriteString("reason", report.RecommendationReason);
        w.WriteEndObject();
        w.WriteStartArray("estimates");
        foreach (var estimate in report.Estimates)
        {
            WriteEstimate(w, estimate);
        }
        w.WriteEndArray();
        w.WriteStartArray("guardrails");
        foreach (var guardrail in report.Guardrails)
        {
            WriteGuardrail(w, guardrail);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteDataset(Utf8JsonWriter w, ReportDataset d)
    {
        w.WriteStartObject("dataset");
        w.WriteNumber("units", d.Units);
        w.WriteNumber("periods", d.Periods);
        Strings(w, "treatedUnits", d.TreatedUnits);
        w.WriteString("treatmentStart", d.TreatmentStart);
        w.WriteString("firstPeriod", d.FirstPeriod);
        w.WriteString("lastPeriod", d.LastPeriod);
        w.WriteEndObject();
    }

    private static void WriteEstimate(Utf8JsonWriter w, MeasuredEstimate e)
    {
        w.WriteStartObject();
        w.WriteString("estimator", e.Estimator);
        w.WriteString("cell", e.Cell);
        w.WriteFinite("att", e.Att);
        WriteUncertainty(w, e.Uncertainty);
        w.WriteFinite("lift", e.Lift);
        w.WriteFinite("incremental", e.Incremental);
        w.WriteStartObject("preFit");
        w.WriteFinite("rmse", e.Fit.Rmse);
        w.WriteFinite("l2Imbalance", e.Fit.L2Imbalance);
        w.WriteFinite("scaledL2Imbalance", e.Fit.ScaledL2Imbalance);
        w.WriteEndObject();
        if (e.UnitWeights is null)
        {
            w.WriteNull("unitWeights");
        }
        else
        {
            w.WriteStartArray("unitWeights");
            foreach (var u in e.UnitWeights)
            {
                w.WriteStartObject();
                w.WriteString("unit", u.Unit);
                w.WriteFinite("weight", u.Weight);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (e.TimeWeights is null)
        {
            w.WriteNull("timeWeights");
        }
        else
        {
            w.WriteStartArray("timeWeights");
            foreach (var t in e.TimeWeights)
            {
                w.WriteStartObject();
                w.WriteString("period", t.Period.ToString());
                w.WriteFinite("weight", t.Weight);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("effects");
        foreach (var effect in e.Effects)
        {
            w.WriteStartObject();
            w.WriteString("period", effect.Period.ToString());
            w.WriteFinite("effect", effect.Effect);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "treatedUnits", e.TreatedUnits);
        Map(w, "tuning", e.Tuning);
        WritePaths(w, e);
        w.WriteEndObject();
    }

    private static void WriteUncertainty(Utf8JsonWriter w, Uncertainty? u)
    {
        if (u is null)
        {
            w.WriteNull("uncertainty");
            return;
        }
        w.WriteStartObject("uncertainty");
        w.WriteString("method", u.Method);
        w.WriteFinite("standardError", u.StandardError);
        w.WriteFinite("ciLow", u.CiLow);
        w.WriteFinite("ciHigh", u.CiHigh);
        w.WriteFinite("pValue", u.PValue);
        w.WriteNumber("replications", u.Replications);
        w.WriteEndObject();
    }

    private static void WritePaths(Utf8JsonWriter w, MeasuredEstimate e)
    {
        if (e.Periods is null || e.Observed is null || e.Counterfactual is null)
        {
            w.WriteNull("paths");
            return;
        }
        w.WriteStartObject("paths");
        Strings(w, "periods", e.Periods.Select(p => p.ToString()).ToArray());
        Numbers(w, "observed", e.Observed);
        Numbers(w, "counterfactual", e.Counterfactual);
        w.WriteEndObject();
    }

    /// <summary>One guardrail result: name, status, message and its evidence in key order (shared with <see cref="HoldoutJson"/>).</summary>
    internal static void WriteGuardrail(Utf8JsonWriter w, GuardrailResult g)
    {
        w.WriteStartObject();
        w.WriteString("name", g.Name);
        w.WriteString("status", g.Status.ToString().ToLowerInvariant());
        w.WriteString("message", g.Message);
        Map(w, "evidence", g.Evidence);
        w.WriteEndObject();
    }


    private static void Numbers(Utf8JsonWriter w, string name, IReadOnlyList<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                w.WriteNumberValue(v);
            }
            else
            {
                w.WriteNullValue();
            }
        }
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    /// <summary>A name → number object with keys in ordinal order, so dictionary iteration order never leaks into the bytes.</summary>
    private static void Map(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, double> values)
    {
        w.WriteStartObject(name);
        foreach (var key in values.Keys.Order(StringComparer.Ordinal))
        {
            w.WriteFinite(key, values[key]);
        }
        w.WriteEndObject();
    }
}
