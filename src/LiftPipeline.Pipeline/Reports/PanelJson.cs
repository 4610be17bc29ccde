using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The JSON of a panel measurement: <c>lift measure --json</c> prints <see cref="ToJson"/>
/// (<c>{"design":"panel","metric","units","periods","treatedUnits","estimates":[…]}</c>), and a panel report.json holds
/// the same estimate objects (<see cref="WriteEstimate"/>, fields in docs/reports.md). Non-finite numbers are null.
/// </summary>
public static class PanelJson
{
    /// <summary>Writes the measurement as one JSON object; <paramref name="level"/> is its intervals' confidence level (1 − <c>--alpha</c>).</summary>
    public static void Write(PanelMeasurement measurement, Utf8JsonWriter w, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteString("design", LiftReport.Design);
        w.WriteString("metric", measurement.Metric);
        w.WriteNumber("units", measurement.Units);
        w.WriteNumber("periods", measurement.Periods);
        w.WriteStrings("treatedUnits", measurement.TreatedUnits);
        WriteEstimates(w, measurement.Estimates, e => LiftReport.Basis(e, 1 - level));
        w.WriteEndObject();
    }

    /// <summary>The measurement as indented JSON text (<c>\n</c> line ends); <paramref name="level"/> as in <see cref="Write"/>.</summary>
    public static string ToJson(PanelMeasurement measurement, double level = 0.95)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ReportJson.Options))
        {
            Write(measurement, writer, level);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes <c>"estimates": [ … ]</c>, one object per estimate in order, each with its always-valid interval from <paramref name="alwaysValid"/>.</summary>
    public static void WriteEstimates(Utf8JsonWriter w, IReadOnlyList<MeasuredEstimate> estimates, Func<MeasuredEstimate, RecommendationBasis?> alwaysValid)
    {
        ArgumentNullException.ThrowIfNull(alwaysValid);
        w.WriteStartArray("estimates");
        foreach (var estimate in estimates)
        {
            WriteEstimate(w, estimate, alwaysValid(estimate));
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// One estimate as a JSON object, the same in report.json and in <c>lift measure --json</c>: <paramref name="alwaysValid"/>
    /// is the always-valid interval the recommendation rule reads for it (<see cref="LiftReport.Basis"/>), null without one.
    /// </summary>
    public static void WriteEstimate(Utf8JsonWriter w, MeasuredEstimate e, RecommendationBasis? alwaysValid = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(e);
        w.WriteStartObject();
        w.WriteString("estimator", e.Estimator);
        w.WriteStringOrNull("cell", e.Cell);
        w.WriteFinite("att", e.Att);
        WriteUncertainty(w, e.Uncertainty);
        WriteAlwaysValid(w, alwaysValid);
        WriteMoney(w, e.Money);
        w.WriteFinite("lift", e.Lift);
        w.WriteFinite("incremental", e.Incremental);
        w.WriteStartObject("preFit");
        w.WriteFinite("rmse", e.Fit.Rmse);
        w.WriteFinite("l2Imbalance", e.Fit.L2Imbalance);
        w.WriteFinite("scaledL2Imbalance", e.Fit.ScaledL2Imbalance);
        w.WriteEndObject();
        Weights(w, "unitWeights", "unit", e.UnitWeights?.Select(u => (u.Unit, u.Weight)));
        Weights(w, "timeWeights", "period", e.TimeWeights?.Select(t => (t.Period.ToString(), t.Weight)));
        w.WriteStartArray("effects");
        var periodSes = e.Uncertainty?.PeriodStandardErrors;
        for (int k = 0; k < e.Effects.Count; k++)
        {
            w.WriteStartObject();
            w.WriteString("period", e.Effects[k].Period.ToString());
            w.WriteFinite("effect", e.Effects[k].Effect);
            w.WriteFinite("standardError", periodSes is null ? null : periodSes[k]);   // from the same replications as the ATT's
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStrings("treatedUnits", e.TreatedUnits);
        w.WriteSortedMap("tuning", e.Tuning);
        WritePaths(w, e);
        w.WriteEndObject();
    }

    private static void Weights(Utf8JsonWriter w, string name, string key, IEnumerable<(string Key, double Weight)>? weights)
    {
        if (weights is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (var (k, weight) in weights)
        {
            w.WriteStartObject();
            w.WriteString(key, k);
            w.WriteFinite("weight", weight);
            w.WriteEndObject();
        }
        w.WriteEndArray();
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
        if (u.DrawsReplications)
        {
            w.WriteNumber("replications", u.Replications);
        }
        else
        {
            w.WriteNull("replications");   // jackknife, conformal and time placebos draw none
        }
        w.WriteFinite("distinctReplications", u.DistinctReplications);
        w.WriteStrings("warnings", u.Warnings);
        w.WriteEndObject();
    }

    /// <summary><c>"alwaysValid": {"lower","upper","moreLooks","unit"}</c> or null.</summary>
    private static void WriteAlwaysValid(Utf8JsonWriter w, RecommendationBasis? basis)
    {
        if (basis is null)
        {
            w.WriteNull("alwaysValid");
            return;
        }
        w.WriteStartObject("alwaysValid");
        w.WriteFinite("lower", basis.Lower);
        w.WriteFinite("upper", basis.Upper);
        w.WriteFinite("moreLooks", basis.Progress?.MoreLooks);
        w.WriteStringOrNull("unit", basis.Progress?.Unit);
        w.WriteEndObject();
    }

    /// <summary><c>"money": {"treatedSpend","incrementalSpend","incrementalSpendCi","spendEstimated","iroas","costPerIncrementalConversion"}</c>, or null without spend.</summary>
    private static void WriteMoney(Utf8JsonWriter w, PanelMoney? money)
    {
        if (money is null)
        {
            w.WriteNull("money");
            return;
        }
        w.WriteStartObject("money");
        w.WriteFinite("treatedSpend", money.TreatedSpend);
        w.WriteFinite("incrementalSpend", money.IncrementalSpend);
        WriteInterval(w, "incrementalSpendCi", money.IncrementalSpendCi);
        w.WriteBoolean("spendEstimated", money.Estimated);
        WriteRatio(w, "iroas", money.Iroas);
        WriteRatio(w, "costPerIncrementalConversion", money.CostPerIncrementalConversion);
        w.WriteEndObject();
    }

    private static void WriteRatio(Utf8JsonWriter w, string name, MoneyRatio? ratio)
    {
        if (ratio is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("metric", ratio.Metric);
        w.WriteFinite("incremental", ratio.Incremental);
        w.WriteFinite("value", ratio.Value);
        WriteInterval(w, "ci", ratio.Ci);
        w.WriteStringOrNull("undefined", ratio.Undefined);
        w.WriteEndObject();
    }

    private static void WriteInterval(Utf8JsonWriter w, string name, Interval interval)
    {
        w.WriteStartObject(name);
        w.WriteFinite("lower", interval.Lower);
        w.WriteFinite("upper", interval.Upper);
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
        w.WriteStrings("periods", e.Periods.Select(p => p.ToString()));
        w.WriteNumbers("observed", e.Observed);
        w.WriteNumbers("counterfactual", e.Counterfactual);
        w.WriteEndObject();
    }
}
