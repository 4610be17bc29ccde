using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Evidence;

/// <summary>
/// <c>evidence/contributions/{campaign}.json</c> (schema version 1, <c>kind: "evidence-contribution"</c>):
/// <c>{"campaign","name","runId","report","generatedAt","concluded","concludedBy","level","contrasts":[{"treatment","control",
/// "metric","segment","surface","market","treatmentN","controlN","relative","seRelative"}],"arms":[{"treatment","control",
/// "spend","iroas","seIroas"}]}</c>; numbers that are not defined are null. A row the release step suppressed keeps its
/// labels and <c>"suppressed": true</c>, and no number; an arm whose spend or iROAS was suppressed is not listed.
/// Doubles round-trip, so a parsed contribution writes the same bytes.
/// </summary>
public static class ContributionJson
{
    /// <summary>The contribution as indented JSON.</summary>
    public static byte[] ToJson(Contribution contribution)
    {
        ArgumentNullException.ThrowIfNull(contribution);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, ReportJson.Options))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("kind", "evidence-contribution");
            w.WriteString("campaign", contribution.Campaign);
            w.WriteString("name", contribution.Name);
            w.WriteString("runId", contribution.RunId);
            w.WriteString("report", contribution.Report);
            w.WriteString("generatedAt", StoredJson.FormatTime(contribution.GeneratedAt));
            w.WriteBoolean("concluded", contribution.Concluded);
            w.WriteStringOrNull("concludedBy", contribution.ConcludedBy);
            w.WriteNumber("level", contribution.Level);
            w.WriteStartArray("contrasts");
            foreach (var c in contribution.Contrasts)
            {
                w.WriteStartObject();
                w.WriteString("treatment", c.Treatment);
                w.WriteString("control", c.Control);
                w.WriteString("metric", c.Metric);
                w.WriteStringOrNull("segment", c.Segment);
                w.WriteStringOrNull("surface", c.Surface);
                w.WriteStringOrNull("market", c.Market);
                if (c.Suppressed)
                {
                    w.WriteBoolean("suppressed", true);
                    w.WriteEndObject();
                    continue;
                }
                w.WriteNumber("treatmentN", c.TreatmentN);
                w.WriteNumber("controlN", c.ControlN);
                w.WriteFinite("relative", c.Relative);
                w.WriteFinite("seRelative", c.RelativeStandardError);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("arms");
            foreach (var a in contribution.Arms)
            {
                w.WriteStartObject();
                w.WriteString("treatment", a.Treatment);
                w.WriteString("control", a.Control);
                w.WriteFinite("spend", a.Spend);
                w.WriteFinite("iroas", a.Iroas);
                w.WriteFinite("seIroas", a.StandardError);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>A contribution written by <see cref="ToJson"/>; null when the bytes are not one.</summary>
    public static Contribution? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.GetProperty("kind").GetString() != "evidence-contribution")
            {
                return null;
            }
            var rows = root.GetProperty("contrasts").EnumerateArray().Select(Row).ToArray();
            var arms = root.GetProperty("arms").EnumerateArray().Select(a => new ArmReturn(Text(a, "treatment"), Text(a, "control"), Number(a, "spend"),
                Number(a, "iroas"), Number(a, "seIroas"))).ToArray();
            return new Contribution(Text(root, "campaign"), Text(root, "name"), Text(root, "runId"), Text(root, "report"),
                StoredJson.TryParseTime(root.GetProperty("generatedAt").GetString(), out var at) ? at : throw new FormatException("generatedAt"),
                root.GetProperty("concludedBy").GetString(), root.GetProperty("level").GetDouble(), rows, arms);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static ContributionRow Row(JsonElement c)
    {
        bool suppressed = c.TryGetProperty("suppressed", out var flag) && flag.GetBoolean();
        return new ContributionRow(Text(c, "treatment"), Text(c, "control"), Text(c, "metric"), c.GetProperty("segment").GetString(),
            c.GetProperty("surface").GetString(), c.GetProperty("market").GetString(), suppressed ? 0 : c.GetProperty("treatmentN").GetInt64(),
            suppressed ? 0 : c.GetProperty("controlN").GetInt64(), suppressed ? double.NaN : Number(c, "relative"), suppressed ? double.NaN : Number(c, "seRelative"), suppressed);
    }

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException(name);

    private static double Number(JsonElement e, string name) => e.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : double.NaN;
}
