using LiftPipeline.Core.Estimators;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Estimators;

public sealed class GeoLiftSyntheticControlTests(ITestOutputHelper output)
{
    [Fact]
    public void Probe()
    {
        foreach (var ridge in new[] { false, true })
        {
            var e = new GeoLiftSyntheticControl(ridge).Estimate(ReferencePanels.GeoLiftTest);
            output.WriteLine($"{e.Estimator.Name} att={e.Att:R} lift={e.Lift:R} inc={e.Incremental:R} l2={e.Fit.L2Imbalance:R} scaled={e.Fit.ScaledL2Imbalance:R} tuning={string.Join(",", e.Tuning.Select(kv => kv.Key + "=" + kv.Value))}");
            foreach (var w in e.UnitWeights!.OrderByDescending(w => w.Weight).Take(15)) output.WriteLine($"  {w.Unit} {w.Weight:F5}");
        }
    }
}
