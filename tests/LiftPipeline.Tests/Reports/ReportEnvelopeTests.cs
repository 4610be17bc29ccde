using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Reports;

public sealed class ReportEnvelopeTests
{
    private static readonly string[] Envelope = ["schemaVersion", "design", "campaign", "runId", "generatedAt", "dataset", "guardrails", "recommendation"];

    private static HoldoutReport Holdout(params GuardrailResult[] guardrails)
    {
        var contrast = new HoldoutContrast
        {
            Treatment = "vbo", Control = "holdout", Metric = "revenue", TreatmentN = 1000, ControlN = 1000, TreatmentMean = 12, ControlMean = 10,
            Absolute = 2, Relative = 0.2, Ci = new Interval(1, 3), RelativeCi = new Interval(0.1, 0.3), AlwaysValidRelativeCi = new Interval(0.05, 0.35), PValue = 0.01,
        };
        var measurement = new HoldoutMeasurement("holdout", 0.95, [new ArmCount("holdout", 1000, 0, 0), new ArmCount("vbo", 1000, 900, 2500)], [contrast], [], guardrails);
        return HoldoutReport.Create("vbo-test", "run-20261123", ReportSamples.GeneratedAt, measurement);
    }

    private static string[] Keys(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Panel_and_holdout_report_json_start_with_the_same_envelope_in_the_same_order()
    {
        using var panel = JsonDocument.Parse(ReportJson.ToJson(ReportSamples.Report()));
        using var holdout = JsonDocument.Parse(ReportJson.ToJson(Holdout()));

        Assert.Equal(Envelope, Keys(panel.RootElement).Take(Envelope.Length));
        Assert.Equal(Envelope, Keys(holdout.RootElement).Take(Envelope.Length));
        Assert.Equal(("panel", "holdout"), (panel.RootElement.GetProperty("design").GetString(), holdout.RootElement.GetProperty("design").GetString()));
        Assert.Equal(panel.RootElement.GetProperty("schemaVersion").GetInt32(), holdout.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(["metric", "level", "estimates"], Keys(panel.RootElement).Skip(Envelope.Length));
        Assert.Equal(["control", "primaryContrast", "level", "arms", "contrasts", "tails", "fairness"], Keys(holdout.RootElement).Skip(Envelope.Length));
    }

    [Fact]
    public void Panel_and_holdout_recommendations_have_the_same_shape_and_name_their_interval()
    {
        var warn = new GuardrailResult("power", GuardrailStatus.Warn, "Underpowered.", new Dictionary<string, double>());
        using var panel = JsonDocument.Parse(ReportJson.ToJson(ReportSamples.Report()));
        using var holdout = JsonDocument.Parse(ReportJson.ToJson(Holdout(warn)));
        var p = panel.RootElement.GetProperty("recommendation");
        var h = holdout.RootElement.GetProperty("recommendation");

        Assert.Equal(["action", "reason", "basis", "breached", "warned"], Keys(p));
        Assert.Equal(Keys(p), Keys(h));
        Assert.Equal(Keys(p.GetProperty("basis")), Keys(h.GetProperty("basis")));
        Assert.Equal(("extend", RecommendationBasis.AlwaysValid, "geolift"),
            (p.GetProperty("action").GetString(), p.GetProperty("basis").GetProperty("interval").GetString(), p.GetProperty("basis").GetProperty("subject").GetString()));
        Assert.Equal(("scale", RecommendationBasis.AlwaysValid, 0.05),
            (h.GetProperty("action").GetString(), h.GetProperty("basis").GetProperty("interval").GetString(), h.GetProperty("basis").GetProperty("lower").GetDouble()));
        Assert.Equal(["power"], h.GetProperty("warned").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Warnings to review: power.", h.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_breach_holds_either_design_with_the_same_reason()
    {
        var srm = new GuardrailResult("srm", GuardrailStatus.Breach, "Sample ratio mismatch.", new Dictionary<string, double>());
        var panel = LiftReport.Create("geo-test", "run-1", ReportSamples.GeneratedAt, ReportSamples.Measurement, [srm]);
        var holdout = Holdout(srm);

        Assert.Equal((Recommendation.Hold, Recommendation.Hold), (panel.Recommendation, holdout.Recommendation));
        Assert.Equal(panel.RecommendationReason, holdout.RecommendationReason);
        Assert.Equal(["srm"], holdout.Decision.Breached);
    }

    [Fact]
    public void The_holdout_report_body_is_what_lift_measure_prints_for_the_measurement()
    {
        var report = Holdout();
        using var json = JsonDocument.Parse(ReportJson.ToJson(report));
        using var measured = JsonDocument.Parse(HoldoutJson.ToJson(report.Measurement));

        foreach (var name in new[] { "control", "arms", "contrasts", "tails", "guardrails" })
        {
            Assert.Equal(measured.RootElement.GetProperty(name).GetRawText(), json.RootElement.GetProperty(name).GetRawText());
        }
    }
}
