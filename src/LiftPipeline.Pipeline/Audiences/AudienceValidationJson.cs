using System.Globalization;
using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Audiences.Validation;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// The JSON of a validation (<c>validation.json</c>, <c>lift audience validate --json</c>):
/// <c>{"schemaVersion","kind":"audience-validation","audience","asOf","previousAsOf","customers","status","thresholds":{…},
/// "segments":[{"segment","members","inCustomers","stability","balance","composition":[…]}],"balance","overlaps":[…],
/// "checks":[{"check","segment","status","message","evidence"}],"breaches":["…"]}</c>. Numbers that are not defined are null.
/// </summary>
public static class AudienceValidationJson
{
    /// <summary>The report as indented JSON text (<c>\n</c> line ends).</summary>
    public static string ToJson(AudienceValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReportJson.Options))
        {
            Write(report, w);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the report as one JSON object.</summary>
    public static void Write(AudienceValidationReport report, Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", AudienceValidationReport.SchemaVersion);
        w.WriteString("kind", "audience-validation");
        w.WriteStringOrNull("audience", report.Audience);
        w.WriteStringOrNull("asOf", Day(report.AsOf));
        w.WriteStringOrNull("previousAsOf", Day(report.PreviousAsOf));
        w.WriteNumber("customers", report.Customers);
        w.WriteString("status", Status(report.Status));
        w.WriteStartObject("thresholds");
        w.WriteStrings("surfaces", report.Options.Surfaces.Select(s => s.Name));
        w.WriteFinite("jaccardFloor", report.Options.JaccardFloor);
        w.WriteFinite("maxSmd", report.Options.MaxSmd);
        w.WriteFinite("srmThreshold", report.Options.SrmThreshold);
        w.WriteString("holdoutArm", report.Options.HoldoutArm);
        w.WriteFinite("minPopulationShare", GroupComposition.MinPopulationShare);
        w.WriteFinite("minRepresentation", GroupComposition.MinRepresentation);
        w.WriteEndObject();
        w.WriteStartArray("segments");
        foreach (var segment in report.Segments)
        {
            WriteSegment(w, segment);
        }
        w.WriteEndArray();
        WriteBalance(w, "balance", report.Balance);
        w.WriteStartArray("overlaps");
        foreach (var o in report.Overlaps)
        {
            w.WriteStartObject();
            w.WriteString("first", o.First);
            w.WriteString("second", o.Second);
            w.WriteNumber("shared", o.Shared);
            w.WriteFinite("shareOfFirst", o.ShareOfFirst);
            w.WriteFinite("shareOfSecond", o.ShareOfSecond);
            w.WriteFinite("jaccard", o.Jaccard);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("checks");
        foreach (var c in report.Checks)
        {
            w.WriteStartObject();
            w.WriteString("check", c.Check);
            w.WriteStringOrNull("segment", c.Segment);
            w.WriteString("status", Status(c.Status));
            w.WriteString("message", c.Message);
            w.WriteSortedMap("evidence", c.Evidence);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStrings("breaches", report.AlertLines);
        w.WriteEndObject();
    }

    /// <summary>A status as it appears in JSON and text: <c>pass</c>, <c>warn</c>, <c>breach</c>.</summary>
    public static string Status(GuardrailStatus status) => status switch
    {
        GuardrailStatus.Pass => "pass",
        GuardrailStatus.Warn => "warn",
        _ => "breach",
    };

    private static void WriteSegment(Utf8JsonWriter w, SegmentValidation segment)
    {
        w.WriteStartObject();
        w.WriteString("segment", segment.Segment);
        w.WriteNumber("members", segment.Members);
        w.WriteNumber("inCustomers", segment.InCustomers);
        if (segment.Stability is { } s)
        {
            w.WriteStartObject("stability");
            w.WriteNumber("current", s.Current);
            w.WriteNumber("previous", s.Previous);
            w.WriteNumber("retained", s.Retained);
            w.WriteFinite("jaccard", s.Jaccard);
            w.WriteNumber("churnIn", s.ChurnIn);
            w.WriteNumber("churnOut", s.ChurnOut);
            w.WriteFinite("churnInShare", s.ChurnInShare);
            w.WriteFinite("churnOutShare", s.ChurnOutShare);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("stability");
        }
        WriteBalance(w, "balance", segment.Balance);
        w.WriteStartArray("composition");
        foreach (var g in segment.Composition)
        {
            w.WriteStartObject();
            w.WriteString("dimension", g.Dimension);
            w.WriteString("group", g.Group);
            w.WriteNumber("populationCount", g.PopulationCount);
            w.WriteFinite("populationShare", g.PopulationShare);
            w.WriteNumber("segmentCount", g.SegmentCount);
            w.WriteFinite("segmentShare", g.SegmentShare);
            w.WriteBoolean("underRepresented", g.UnderRepresented);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteBalance(Utf8JsonWriter w, string name, HoldoutBalance? balance)
    {
        if (balance is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("holdout", balance.Arms[balance.Holdout]);
        w.WriteStartArray("arms");
        for (int a = 0; a < balance.Arms.Count; a++)
        {
            w.WriteStartObject();
            w.WriteString("arm", balance.Arms[a]);
            w.WriteNumber("n", balance.Counts[a]);
            w.WriteFinite("planned", balance.PlannedShares?[a]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (balance.SampleRatio is { } srm)
        {
            w.WriteStartObject("sampleRatio");
            w.WriteFinite("chiSquare", srm.ChiSquare);
            w.WriteNumber("df", srm.DegreesOfFreedom);
            w.WriteFinite("pValue", srm.PValue);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("sampleRatio");
        }
        w.WriteFinite("maxAbsD", balance.MaxAbsD);
        w.WriteStartArray("differences");
        foreach (var d in balance.Differences)
        {
            w.WriteStartObject();
            w.WriteString("covariate", d.Covariate);
            w.WriteString("arm", d.Arm);
            w.WriteNumber("armN", d.ArmCount);
            w.WriteFinite("armMean", d.ArmMean);
            w.WriteFinite("armSd", d.ArmSd);
            w.WriteNumber("holdoutN", d.HoldoutCount);
            w.WriteFinite("holdoutMean", d.HoldoutMean);
            w.WriteFinite("holdoutSd", d.HoldoutSd);
            w.WriteFinite("d", d.D);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
