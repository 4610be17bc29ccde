using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The one writer of report.json, for every design (schema version <see cref="SchemaVersion"/>, docs/reports.md): the
/// envelope every report shares — <c>schemaVersion</c>, <c>design</c>, <c>campaign</c>, <c>runId</c>, <c>generatedAt</c>,
/// <c>dataset</c>, <c>guardrails</c>, <c>recommendation</c> — then the design's body: <c>metric</c>, <c>level</c> and
/// <c>estimates</c> (<see cref="PanelJson"/>) for a panel; <c>control</c>, <c>level</c>, <c>arms</c>, <c>contrasts</c> and
/// <c>tails</c> (<see cref="HoldoutJson"/>) for a holdout. Properties come in a fixed order, dictionaries are sorted by
/// key (ordinal), non-finite numbers are written as <c>null</c>, and lines end in '\n', so the same report always gives
/// byte-identical output. Thread-safe.
/// </summary>
public static class ReportJson
{
    /// <summary>Version of the report.json schema, the same for every design; bumped on any breaking change.</summary>
    public const int SchemaVersion = 2;

    /// <summary>Indented, '\n' line ends: the options of every JSON document the reports write.</summary>
    internal static readonly JsonWriterOptions Options = new() { Indented = true, NewLine = "\n" };

    /// <summary>Writes the panel <paramref name="report"/> as UTF-8 JSON to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(LiftReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        Write(stream, report, w => WriteDataset(w, report.Dataset), w =>
        {
            w.WriteString("metric", report.Metric);
            w.WriteFinite("level", report.Level);
            PanelJson.WriteEstimates(w, report.Estimates, report.AlwaysValid);
        });
    }

    /// <summary>Writes the holdout <paramref name="report"/> as UTF-8 JSON to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(HoldoutReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        Write(stream, report, w => HoldoutJson.WriteDataset(report.Measurement, w), w => HoldoutJson.WriteBody(report.Measurement, w));
    }

    /// <summary>The JSON of the panel <paramref name="report"/> as a string.</summary>
    public static string ToJson(LiftReport report) => Text(stream => Write(report, stream));

    /// <summary>The JSON of the holdout <paramref name="report"/> as a string.</summary>
    public static string ToJson(HoldoutReport report) => Text(stream => Write(report, stream));

    private static string Text(Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Stream stream, IReportEnvelope report, Action<Utf8JsonWriter> dataset, Action<Utf8JsonWriter> body)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream, Options);
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("design", report.Design);
        w.WriteString("campaign", report.Campaign);
        w.WriteString("runId", report.RunId);
        w.WriteString("generatedAt", StoredJson.FormatTime(report.GeneratedAt));
        w.WritePropertyName("dataset");
        dataset(w);
        WriteGuardrails(w, report.Guardrails);
        w.WritePropertyName("recommendation");
        WriteRecommendation(w, report.Decision);
        body(w);
        w.WriteEndObject();
    }

    /// <summary>A recommendation: <c>{"action","reason","basis":{"subject","interval","lower","upper","progress":{"moreLooks","unit"}|null}|null,"breached":[…],"warned":[…]}</c>.</summary>
    public static void WriteRecommendation(Utf8JsonWriter w, RecommendationDecision decision)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(decision);
        w.WriteStartObject();
        w.WriteString("action", decision.Action.ToString().ToLowerInvariant());
        w.WriteString("reason", decision.Reason);
        if (decision.Basis is { } basis)
        {
            w.WriteStartObject("basis");
            w.WriteString("subject", basis.Subject);
            w.WriteString("interval", basis.Interval);
            w.WriteFinite("lower", basis.Lower);
            w.WriteFinite("upper", basis.Upper);
            if (basis.Progress is { } progress)
            {
                w.WriteStartObject("progress");
                w.WriteFinite("moreLooks", progress.MoreLooks);
                w.WriteString("unit", progress.Unit);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("progress");
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("basis");
        }
        w.WriteStrings("breached", decision.Breached);
        w.WriteStrings("warned", decision.Warned);
        w.WriteEndObject();
    }

    /// <summary>Writes <c>"guardrails": [ … ]</c>: each result's name, status, message and its evidence in key order.</summary>
    public static void WriteGuardrails(Utf8JsonWriter w, IReadOnlyList<GuardrailResult> guardrails)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(guardrails);
        w.WriteStartArray("guardrails");
        foreach (var g in guardrails)
        {
            w.WriteStartObject();
            w.WriteString("name", g.Name);
            w.WriteString("status", g.Status.ToString().ToLowerInvariant());
            w.WriteString("message", g.Message);
            w.WriteSortedMap("evidence", g.Evidence);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteDataset(Utf8JsonWriter w, ReportDataset d)
    {
        w.WriteStartObject();
        w.WriteNumber("units", d.Units);
        w.WriteNumber("periods", d.Periods);
        w.WriteStrings("treatedUnits", d.TreatedUnits);
        w.WriteString("treatmentStart", d.TreatmentStart);
        w.WriteString("firstPeriod", d.FirstPeriod);
        w.WriteString("lastPeriod", d.LastPeriod);
        w.WriteEndObject();
    }
}
