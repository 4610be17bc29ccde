using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Tests.Reports;

public sealed class ReportJsonTests
{
    [Fact]
    public void Json_holds_schema_version_dataset_and_the_published_geolift_att()
    {
        var report = ReportSamples.Report();
        using var json = JsonDocument.Parse(ReportJson.ToJson(report));
        var root = json.RootElement;

        Assert.Equal(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("geo-test", root.GetProperty("campaign").GetString());
        Assert.Equal("run-20261123", root.GetProperty("runId").GetString());
        Assert.Equal("2026-11-23T02:00:00.0000000Z", root.GetProperty("generatedAt").GetString());
        Assert.Equal("panel", root.GetProperty("design").GetString());
        Assert.Equal("conversions", root.GetProperty("metric").GetString());
        var dataset = root.GetProperty("dataset");
        Assert.Equal(40, dataset.GetProperty("units").GetInt32());
        Assert.Equal(105, dataset.GetProperty("periods").GetInt32());
        Assert.Equal(["chicago", "portland"], dataset.GetProperty("treatedUnits").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("2021-04-01", dataset.GetProperty("treatmentStart").GetString());
        Assert.Equal("2021-01-01", dataset.GetProperty("firstPeriod").GetString());

        var estimates = root.GetProperty("estimates");
        Assert.Equal(2, estimates.GetArrayLength());
        var geolift = estimates[0];
        Assert.Equal("geolift", geolift.GetProperty("estimator").GetString());
        Assert.Equal(155.556, Math.Round(geolift.GetProperty("att").GetDouble(), 3));
        Assert.Equal(4667, Math.Round(geolift.GetProperty("incremental").GetDouble()));
        Assert.Equal(0.1636, Math.Round(geolift.GetProperty("preFit").GetProperty("scaledL2Imbalance").GetDouble(), 4));
        Assert.Equal(0.2272, Math.Round(geolift.GetProperty("unitWeights").EnumerateArray().Single(w => w.GetProperty("unit").GetString() == "cincinnati").GetProperty("weight").GetDouble(), 4));
        var uncertainty = geolift.GetProperty("uncertainty");
        Assert.Equal("placebo", uncertainty.GetProperty("method").GetString());
        Assert.Equal(20, uncertainty.GetProperty("replications").GetInt32());
        Assert.Equal(report.Primary!.Uncertainty!.CiLow, uncertainty.GetProperty("ciLow").GetDouble());
        Assert.Equal(15, geolift.GetProperty("effects").GetArrayLength());
        var paths = geolift.GetProperty("paths");
        Assert.Equal(105, paths.GetProperty("periods").GetArrayLength());
        Assert.Equal(105, paths.GetProperty("observed").GetArrayLength());
        Assert.Equal(105, paths.GetProperty("counterfactual").GetArrayLength());
        Assert.Equal("2021-04-01", paths.GetProperty("periods")[90].GetString());
        Assert.Equal("did", estimates[1].GetProperty("estimator").GetString());
        Assert.Equal(report.Recommendation.ToString().ToLowerInvariant(), root.GetProperty("recommendation").GetProperty("action").GetString());
        Assert.Equal(["pre-fit", "power"], root.GetProperty("guardrails").EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        Assert.Equal("warn", root.GetProperty("guardrails")[1].GetProperty("status").GetString());
    }

    [Fact]
    public void Non_finite_numbers_are_written_as_null()
    {
        var report = ReportSamples.Report();
        var primary = report.Primary!;
        var observed = primary.Observed!.ToArray();
        observed[3] = double.NaN;
        var changed = report with
        {
            Estimates = [primary with { Att = double.NaN, Uncertainty = primary.Uncertainty! with { PValue = double.PositiveInfinity }, Observed = observed }],
            Guardrails = [new GuardrailResult("spikes", GuardrailStatus.Pass, "none", new Dictionary<string, double> { ["tail"] = double.NegativeInfinity })],
        };

        using var json = JsonDocument.Parse(ReportJson.ToJson(changed));
        var estimate = json.RootElement.GetProperty("estimates")[0];

        Assert.Equal(JsonValueKind.Null, estimate.GetProperty("att").ValueKind);
        Assert.Equal(JsonValueKind.Null, estimate.GetProperty("uncertainty").GetProperty("pValue").ValueKind);
        Assert.Equal(JsonValueKind.Null, estimate.GetProperty("paths").GetProperty("observed")[3].ValueKind);
        Assert.Equal(JsonValueKind.Number, estimate.GetProperty("paths").GetProperty("observed")[4].ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("guardrails")[0].GetProperty("evidence").GetProperty("tail").ValueKind);
    }

    [Fact]
    public void Two_writes_of_the_same_report_are_byte_identical()
    {
        var first = new MemoryStream();
        var second = new MemoryStream();
        ReportJson.Write(ReportSamples.Report(), first);
        ReportJson.Write(ReportSamples.Report(), second);

        Assert.True(first.Length > 10_000);
        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.DoesNotContain((byte)'\r', first.ToArray());
    }

    [Fact]
    public void Dictionary_insertion_order_does_not_change_the_bytes()
    {
        var report = ReportSamples.Report();
        GuardrailResult Guardrail(params (string Key, double Value)[] evidence) =>
            new("srm", GuardrailStatus.Pass, "ok", evidence.ToDictionary(e => e.Key, e => e.Value));

        var a = ReportJson.ToJson(report with { Guardrails = [Guardrail(("p", 0.4), ("chi2", 0.7), ("ratio", 1.01))] });
        var b = ReportJson.ToJson(report with { Guardrails = [Guardrail(("ratio", 1.01), ("p", 0.4), ("chi2", 0.7))] });

        Assert.Equal(a, b);
        Assert.True(a.IndexOf("\"chi2\"", StringComparison.Ordinal) < a.IndexOf("\"p\"", StringComparison.Ordinal));
    }
}
