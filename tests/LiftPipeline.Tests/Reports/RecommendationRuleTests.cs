using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Tests.Reports;

public sealed class RecommendationRuleTests
{
    [Theory]
    // ciLow, ciHigh, guardrail statuses ("" for none), expected
    [InlineData(10.0, 50.0, "", Recommendation.Scale)]
    [InlineData(10.0, 50.0, "pass,warn", Recommendation.Scale)]
    [InlineData(10.0, 50.0, "pass,breach", Recommendation.Hold)]
    [InlineData(-50.0, -10.0, "breach", Recommendation.Hold)]
    [InlineData(-50.0, -10.0, "pass", Recommendation.Stop)]
    [InlineData(-50.0, 10.0, "", Recommendation.Extend)]
    [InlineData(0.0, 10.0, "", Recommendation.Extend)]
    [InlineData(-10.0, 0.0, "", Recommendation.Extend)]
    [InlineData(double.NaN, double.NaN, "", Recommendation.Extend)]
    [InlineData(double.NegativeInfinity, 10.0, "warn", Recommendation.Extend)]
    public void Recommendation_follows_the_interval_and_the_guardrails(double ciLow, double ciHigh, string statuses, Recommendation expected)
    {
        var basis = new RecommendationBasis("sdid", RecommendationBasis.Confidence, ciLow, ciHigh);

        var (action, reason) = RecommendationRule.Decide(basis, Guardrails(statuses));

        Assert.Equal(expected, action);
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void No_uncertainty_means_extend_and_a_breach_still_holds()
    {
        Assert.Equal(Recommendation.Extend, RecommendationRule.Decide(null, []).Action);
        Assert.Equal(Recommendation.Hold, RecommendationRule.Decide(null, Guardrails("breach")).Action);
    }

    [Fact]
    public void The_reason_names_breached_and_warned_guardrails()
    {
        var (_, reason) = RecommendationRule.Decide(new RecommendationBasis("sdid", RecommendationBasis.Confidence, 1, 3), Guardrails("breach,warn,pass"));

        Assert.Equal("Guardrail breached: check0; resolve before acting on the estimate. Warnings to review: check1.", reason);
    }

    [Fact]
    public void Report_recommendation_applies_the_rule_to_the_primary_estimate()
    {
        var measurement = ReportSamples.Measurement;
        var breach = new GuardrailResult("srm", GuardrailStatus.Breach, "Sample ratio mismatch.", new Dictionary<string, double> { ["p"] = 1e-9 });

        var report = LiftReport.Create("geo-test", "run-1", ReportSamples.GeneratedAt, measurement, ReportSamples.Guardrails);
        var held = LiftReport.Create("geo-test", "run-1", ReportSamples.GeneratedAt, measurement, [breach]);

        // GeoLift_Test with 20 placebo replications: the 95% interval of the geolift ATT contains zero.
        Assert.True(report.Primary!.Uncertainty!.CiLow < 0 && report.Primary.Uncertainty.CiHigh > 0);
        Assert.Equal(Recommendation.Extend, report.Recommendation);
        Assert.Equal(Recommendation.Hold, held.Recommendation);
        Assert.Throws<ArgumentException>(() => LiftReport.Create("geo-test", "run-1", ReportSamples.GeneratedAt, measurement, [], level: 1.5));
    }

    private static GuardrailResult[] Guardrails(string statuses) => statuses.Length == 0
        ? []
        : statuses.Split(',').Select((s, i) => new GuardrailResult($"check{i}", Enum.Parse<GuardrailStatus>(s, ignoreCase: true), "m", new Dictionary<string, double>())).ToArray();
}
