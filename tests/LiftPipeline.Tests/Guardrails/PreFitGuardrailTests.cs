using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Guardrails;

public sealed class PreFitGuardrailTests
{
    [Fact]
    public void Sdid_on_prop99_fits_the_pre_period_and_passes()
    {
        var estimate = PanelEstimators.Create("sdid").Estimate(ReferencePanels.Prop99);

        var result = new PreFitGuardrail().Check(estimate);

        Assert.Equal(GuardrailStatus.Pass, result.Status);
        Assert.Equal(PreFitGuardrail.Name, result.Name);
        Assert.Equal(0.2514, result.Evidence["scaledL2Imbalance"], 4);
        Assert.Equal(7.842, result.Evidence["l2Imbalance"], 3);
        Assert.Equal(0.5, result.Evidence["threshold"]);
        Assert.Equal(0.4, result.Evidence["warnAbove"], 12);
    }

    [Fact]
    public void Did_on_prop99_has_scaled_imbalance_one_and_breaches_at_one_half()
    {
        var estimate = PanelEstimators.Create("did").Estimate(ReferencePanels.Prop99);

        var result = new PreFitGuardrail(new GuardrailThresholds { MaxScaledL2Imbalance = 0.5 }).Check(estimate);

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal(1.0, result.Evidence["scaledL2Imbalance"], 12);
        Assert.Equal(31.20, result.Evidence["l2Imbalance"], 2);
        Assert.Contains("exceeds 0.5", result.Message);
    }

    [Fact]
    public void Sdid_on_prop99_warns_when_its_imbalance_is_within_twenty_percent_of_the_limit()
    {
        var estimate = PanelEstimators.Create("sdid").Estimate(ReferencePanels.Prop99);

        var result = new PreFitGuardrail(new GuardrailThresholds { MaxScaledL2Imbalance = 0.3 }).Check(estimate);

        Assert.Equal(GuardrailStatus.Warn, result.Status);
        Assert.Equal(0.24, result.Evidence["warnAbove"], 12);
    }

    [Fact]
    public void A_measured_estimate_is_judged_like_the_estimate_it_flattens()
    {
        var measurement = PanelMeasurer.Measure(ReferencePanels.Prop99AsPanel,
            new PanelMeasureOptions { Metric = "packs_per_capita", Estimators = ["sc", "did"], Variance = null });
        var guardrail = new PreFitGuardrail();

        var sc = guardrail.Check(measurement.Estimates[0].Estimator, measurement.Estimates[0].Fit);
        var did = guardrail.Check(measurement.Estimates[1].Estimator, measurement.Estimates[1].Fit);

        Assert.Equal(GuardrailStatus.Pass, sc.Status);
        Assert.Equal(0.1032, sc.Evidence["scaledL2Imbalance"], 4);
        Assert.Equal(GuardrailStatus.Breach, did.Status);
    }
}
