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
/// "checks":[{"check","segment","status","message","evidence"}],"breaches":["…"]}</c>. Numbers that are not defined are null,
/// and so are those <see cref="AudienceReleasePolicy"/> withheld (then <c>"suppressedBelow"</c> gives the minimum and a
/// withheld segment has <c>"suppressed": true</c>).
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
        var hidden = report.Suppression;
        WriteCount(w, "customers", report.Customers, hidden?.Customers == true);
        if (hidden is not null)
        {
            w.WriteNumber("suppressedBelow", hidden.MinimumCustomers);
        }
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
            WriteSegment(w, segment, hidden);
        }
        w.WriteEndArray();
        WriteBalance(w, "balance", report.Balance, hidden, "");
        w.WriteStartArray("overlaps");
        foreach (var o in report.Overlaps)
        {
            bool withheld = hidden?.Overlaps.Contains((o.First, o.Second)) == true;
            w.WriteStartObject();
            w.WriteString("first", o.First);
            w.WriteString("second", o.Second);
            WriteCount(w, "shared", o.Shared, withheld);
            w.WriteFinite("shareOfFirst", withheld ? null : o.ShareOfFirst);
            w.WriteFinite("shareOfSecond", withheld ? null : o.ShareOfSecond);
            w.WriteFinite("jaccard", withheld ? null : o.Jaccard);
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

    private static void WriteSegment(Utf8JsonWriter w, SegmentValidation segment, AudienceSuppression? hidden)
    {
        w.WriteStartObject();
        w.WriteString("segment", segment.Segment);
        if (hidden is not null && hidden.Segments.Contains(segment.Segment))
        {
            // A segment under the minimum loses every number.
            w.WriteBoolean("suppressed", true);
            w.WriteNull("members");
            w.WriteNull("inCustomers");
            w.WriteNull("stability");
            w.WriteNull("balance");
            w.WriteStartArray("composition");
            w.WriteEndArray();
            w.WriteEndObject();
            return;
        }
        w.WriteNumber("members", segment.Members);
        WriteCount(w, "inCustomers", segment.InCustomers, hidden?.InCustomers.Contains(segment.Segment) == true);
        if (segment.Stability is { } s)
        {
            bool churn = hidden?.Stability.Contains(segment.Segment) == true;
            bool before = hidden?.Previous.Contains(segment.Segment) == true;
            w.WriteStartObject("stability");
            w.WriteNumber("current", s.Current);
            WriteCount(w, "previous", s.Previous, before);
            WriteCount(w, "retained", s.Retained, churn);
            w.WriteFinite("jaccard", churn ? null : s.Jaccard);
            WriteCount(w, "churnIn", s.ChurnIn, churn);
            WriteCount(w, "churnOut", s.ChurnOut, churn);
            w.WriteFinite("churnInShare", churn ? null : s.ChurnInShare);
            w.WriteFinite("churnOutShare", churn || before ? null : s.ChurnOutShare);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("stability");
        }
        WriteBalance(w, "balance", segment.Balance, hidden, segment.Segment);
        w.WriteStartArray("composition");
        foreach (var g in segment.Composition)
        {
            bool population = hidden?.Population.Contains((g.Dimension, g.Group)) == true;
            bool members = hidden?.Composition.Contains((segment.Segment, g.Dimension, g.Group)) == true;
            w.WriteStartObject();
            w.WriteString("dimension", g.Dimension);
            w.WriteString("group", g.Group);
            WriteCount(w, "populationCount", g.PopulationCount, population);
            w.WriteFinite("populationShare", population ? null : g.PopulationShare);
            WriteCount(w, "segmentCount", g.SegmentCount, members);
            w.WriteFinite("segmentShare", members ? null : g.SegmentShare);
            w.WriteBoolean("underRepresented", g.UnderRepresented);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteBalance(Utf8JsonWriter w, string name, HoldoutBalance? balance, AudienceSuppression? hidden, string segment)
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
            WriteCount(w, "n", balance.Counts[a], hidden?.Arms.Contains((segment, balance.Arms[a])) == true);
            w.WriteFinite("planned", balance.PlannedShares?[a]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        bool any = hidden?.HidesBalanceOf(segment == "" ? null : segment) == true;
        if (balance.SampleRatio is { } srm && !any)
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
        w.WriteFinite("maxAbsD", any ? null : balance.MaxAbsD);
        w.WriteStartArray("differences");
        foreach (var d in balance.Differences)
        {
            bool withheld = hidden?.Differences.Contains((segment, d.Arm, d.Covariate)) == true;
            w.WriteStartObject();
            w.WriteString("covariate", d.Covariate);
            w.WriteString("arm", d.Arm);
            WriteCount(w, "armN", d.ArmCount, withheld);
            w.WriteFinite("armMean", withheld ? null : d.ArmMean);
            w.WriteFinite("armSd", withheld ? null : d.ArmSd);
            WriteCount(w, "holdoutN", d.HoldoutCount, withheld);
            w.WriteFinite("holdoutMean", withheld ? null : d.HoldoutMean);
            w.WriteFinite("holdoutSd", withheld ? null : d.HoldoutSd);
            w.WriteFinite("d", withheld ? null : d.D);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCount(Utf8JsonWriter w, string name, long count, bool withheld)
    {
        if (withheld)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteNumber(name, count);
        }
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
