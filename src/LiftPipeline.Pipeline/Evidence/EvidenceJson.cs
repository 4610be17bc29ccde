using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Decisions.Evidence;

namespace LiftPipeline.Pipeline.Evidence;

/// <summary>
/// <c>evidence/evidence.json</c> (schema version 1, <c>kind: "evidence"</c>): the campaigns, every pooled contrast with its
/// studies, pooled estimate (log scale and back on the relative scale), heterogeneity, prediction interval, subgroups and
/// sentence, and the budget across campaigns. No clock: the same contributions give the same bytes.
/// </summary>
public static class EvidenceJson
{
    /// <summary>The summary as indented JSON.</summary>
    public static byte[] ToJson(EvidenceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReportJson.Options))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("kind", "evidence");
            w.WriteString("scale", "y = ln(1 + relative lift), v = (SE / (1 + relative lift))^2; pooled values back as exp(y) - 1");
            w.WriteStartArray("campaigns");
            foreach (var c in summary.Contributions)
            {
                w.WriteStartObject();
                w.WriteString("campaign", c.Campaign);
                w.WriteString("name", c.Name);
                w.WriteString("runId", c.RunId);
                w.WriteString("report", c.Report);
                w.WriteString("generatedAt", StoredJson.FormatTime(c.GeneratedAt));
                w.WriteBoolean("concluded", c.Concluded);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("contrasts");
            foreach (var p in summary.Contrasts)
            {
                WriteContrast(w, p);
            }
            w.WriteEndArray();
            if (summary.Budget is { } budget)
            {
                budget.WriteJson(w);
            }
            else
            {
                w.WriteNull("budget");
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteContrast(Utf8JsonWriter w, PooledContrast p)
    {
        w.WriteStartObject();
        w.WriteString("treatment", p.Treatment);
        w.WriteString("control", p.Control);
        w.WriteString("metric", p.Metric);
        w.WriteString("sentence", p.Sentence);
        w.WriteNumber("excluded", p.Excluded);
        WriteStudies(w, p.Studies, p.Result);
        WritePooled(w, p.Result);
        w.WriteStartArray("subgroups");
        foreach (var d in p.Dimensions)
        {
            w.WriteStartObject();
            w.WriteString("dimension", d.Dimension);
            w.WriteNumber("excluded", d.Excluded);
            w.WriteFinite("qBetween", d.Between.Q);
            w.WriteNumber("dfBetween", d.Between.DegreesOfFreedom);
            w.WriteFinite("pBetween", d.Between.PValue);
            w.WriteStartArray("groups");
            foreach (var g in d.Groups)
            {
                w.WriteStartObject();
                w.WriteString("level", g.Level);
                w.WriteString("verdict", g.Verdict);
                w.WriteStrings("campaigns", g.Studies.Select(s => s.Campaign));
                WritePooled(w, g.Result);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteStudies(Utf8JsonWriter w, IReadOnlyList<PooledStudy> studies, MetaAnalysisResult result)
    {
        w.WriteStartArray("studies");
        for (int i = 0; i < studies.Count; i++)
        {
            var s = studies[i];
            w.WriteStartObject();
            w.WriteString("campaign", s.Campaign);
            w.WriteBoolean("running", s.Running);
            w.WriteFinite("relative", s.Relative);
            w.WriteFinite("seRelative", s.RelativeStandardError);
            w.WriteFinite("logLift", s.Effect);
            w.WriteFinite("variance", s.Variance);
            w.WriteFinite("weight", result.Weights[i]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary><c>"pooled": {…}</c>: relative-scale estimate and intervals, then the log-scale numbers behind them.</summary>
    private static void WritePooled(Utf8JsonWriter w, MetaAnalysisResult r)
    {
        w.WriteStartObject("pooled");
        w.WriteNumber("k", r.Studies);
        w.WriteFinite("relative", EvidencePooling.Lift(r.Estimate));
        w.WriteFinite("lower", EvidencePooling.Lift(r.Lower));
        w.WriteFinite("upper", EvidencePooling.Lift(r.Upper));
        w.WriteFinite("predictionLower", EvidencePooling.Lift(r.PredictionLower));
        w.WriteFinite("predictionUpper", EvidencePooling.Lift(r.PredictionUpper));
        w.WriteFinite("logEstimate", r.Estimate);
        w.WriteFinite("logStandardError", r.StandardError);
        w.WriteFinite("logLower", r.Lower);
        w.WriteFinite("logUpper", r.Upper);
        w.WriteFinite("pValue", r.PValue);
        w.WriteString("estimator", r.Options.Estimator.ToString());
        w.WriteString("interval", r.IntervalMethod.ToString());
        w.WriteFinite("degreesOfFreedom", r.DegreesOfFreedom);
        w.WriteFinite("tau2", r.Tau2);
        w.WriteFinite("i2", r.I2);
        w.WriteFinite("h2", r.H2);
        w.WriteFinite("q", r.Heterogeneity.Q);
        w.WriteNumber("qDf", r.Heterogeneity.DegreesOfFreedom);
        w.WriteFinite("qPValue", r.Heterogeneity.PValue);
        w.WriteEndObject();
    }
}
