using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// The one JSON object <c>lift run --json</c> prints: <c>runId</c>, <c>run</c> (<c>started</c>, <c>skipped</c> when
/// another run held the lease, null for an exports-only pass), <c>exports</c> (each with its disposition), <c>measurements</c> (with each
/// report's estimates, guardrails and recommendation, or a planning campaign's <c>design</c>), <c>deliveries</c>, <c>audiences</c> (the audience refresh, when the store has audiences) and <c>problems</c>. Numbers that are not finite are null.
/// </summary>
internal static class PipelineSummaryJson
{
    public static string Write(PipelineRunSummary summary, Func<string, string> locate)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("runId", summary.RunId);
            w.WriteString("run", summary.Start switch { RunStart.Started => "started", RunStart.LeaseHeld => "skipped", _ => null });
            w.WriteStartArray("exports");
            foreach (var e in summary.Exports)
            {
                w.WriteStartObject();
                w.WriteString("export", e.Export.Path);
                w.WriteString("campaign", e.Export.Campaign);
                w.WriteString("disposition", PipelineSummaryView.Disposition(e.Disposition));
                w.WriteString("message", e.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("measurements");
            foreach (var m in summary.Measurements)
            {
                WriteMeasurement(w, m, locate);
            }
            w.WriteEndArray();
            w.WriteStartArray("deliveries");
            foreach (var d in summary.Deliveries)
            {
                w.WriteStartObject();
                w.WriteString("alertId", d.AlertId);
                w.WriteString("subscriber", d.Subscriber);
                w.WriteString("status", d.Outcome.StatusText);
                w.WriteNumber("attempts", d.Outcome.Attempts);
                w.WriteString("error", d.Outcome.Error);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (summary.Audiences is { } audiences)
            {
                AudienceRefreshView.Write(w, audiences, locate);
            }
            w.WriteStartArray("problems");
            foreach (var p in summary.Problems)
            {
                w.WriteStringValue(p);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteMeasurement(Utf8JsonWriter w, MeasureOutcome m, Func<string, string> locate)
    {
        w.WriteStartObject();
        w.WriteString("campaign", m.Campaign);
        w.WriteString("runId", m.RunId);
        w.WriteString("status", m.Status.ToString().ToLowerInvariant());
        w.WriteBoolean("alreadyMeasured", m.AlreadyMeasured);
        w.WriteString("reusedFrom", m.ReusedFrom?.Value);
        w.WriteString("message", m.Message);
        w.WriteString("report", m.Design is not null ? locate(StoreLayout.DesignHtml(m.Campaign)) : m.ReportFolder is null ? null : locate(StoreLayout.ReportHtml(m.ReportFolder)));
        w.WriteStartArray("alerts");
        foreach (var a in m.Alerts)
        {
            w.WriteStringValue(a);
        }
        w.WriteEndArray();
        if (m.Design is { } design)
        {
            WriteDesign(w, design);
        }
        if (m.Report is { } report)
        {
            w.WriteString("metric", report.Metric);
            w.WriteString("recommendation", report.Recommendation.ToString().ToLowerInvariant());
            w.WriteStartArray("estimates");
            foreach (var e in report.Estimates)
            {
                w.WriteStartObject();
                w.WriteString("estimator", e.Estimator);
                w.WriteString("cell", e.Cell);
                w.WriteFinite("att", e.Att);
                w.WriteFinite("ciLow", e.Uncertainty?.CiLow);
                w.WriteFinite("ciHigh", e.Uncertainty?.CiHigh);
                w.WriteFinite("lift", e.Lift);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("guardrails");
            foreach (var g in report.Guardrails)
            {
                w.WriteStartObject();
                w.WriteString("name", g.Name);
                w.WriteString("status", g.Status.ToString().ToLowerInvariant());
                w.WriteString("message", g.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary><c>"design": {"inputsHash", "chosen": [{"cell","locations","duration","mde","investment","falsePositiveRate"}]}</c>.</summary>
    private static void WriteDesign(Utf8JsonWriter w, DesignSummary design)
    {
        w.WriteStartObject("design");
        w.WriteString("inputsHash", design.InputsHash);
        w.WriteStartArray("chosen");
        foreach (var c in design.Chosen)
        {
            w.WriteStartObject();
            if (c.Cell is { } cell)
            {
                w.WriteNumber("cell", cell);
            }
            else
            {
                w.WriteNull("cell");
            }
            w.WriteStartArray("locations");
            foreach (var location in c.Locations)
            {
                w.WriteStringValue(location);
            }
            w.WriteEndArray();
            w.WriteNumber("duration", c.Duration);
            w.WriteFinite("mde", c.Mde);
            w.WriteFinite("investment", c.Investment);
            w.WriteFinite("falsePositiveRate", c.FalsePositiveRate);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
