using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Reports;

/// <summary>A real measurement of the GeoLift_Test panel (geolift and did, placebo with few replications), measured once per test run.</summary>
internal static class ReportSamples
{
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<PanelMeasurement> GeoLift = new(() => PanelMeasurer.Measure(ReferencePanels.GeoLiftTestAsPanel, new PanelMeasureOptions
    {
        Metric = "conversions",
        Estimators = ["geolift", "did"],
        Variance = "placebo",
        VarianceOptions = new VarianceOptions { Replications = 20, Seed = 7 },
    }));

    public static PanelMeasurement Measurement => GeoLift.Value;

    public static IReadOnlyList<GuardrailResult> Guardrails { get; } =
    [
        new("pre-fit", GuardrailStatus.Pass, "Pre-period fit is good.", new Dictionary<string, double> { ["scaledL2Imbalance"] = 0.1636, ["threshold"] = 0.5 }),
        new("power", GuardrailStatus.Warn, "Power is below 80% for the planned effect.", new Dictionary<string, double> { ["power"] = 0.71 }),
    ];

    public static LiftReport Report() => LiftReport.Create("geo-test", "run-20261123", GeneratedAt, Measurement, Guardrails);
}
