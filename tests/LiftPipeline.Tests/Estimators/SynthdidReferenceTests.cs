using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Tests.Estimators;

/// <summary>The synthdid family on California Proposition 99 against the reference implementation's published numbers.</summary>
public sealed class SynthdidReferenceTests
{
    [Theory]
    [InlineData("did", "Synthdid", -27.3491110836, 0.01)]
    [InlineData("sc", "Synthdid", -19.6196634709, 0.01)]
    [InlineData("sdid", "Synthdid", -15.6038278727, 0.01)]
    [InlineData("difp", "Synthdid", -11.1046449277, 0.01)]
    [InlineData("sdid", "Exact", -15.6054, 0.001)]
    [InlineData("sc", "Exact", -19.5136, 0.001)]
    [InlineData("difp", "Exact", -11.1090, 0.001)]
    public void Estimators_on_prop99_match_published_estimates(string name, string solver, double expected, double tolerance)
    {
        var settings = new PanelEstimatorSettings { Solver = Enum.Parse<WeightSolver>(solver) };

        var estimate = PanelEstimators.Create(name, settings).Estimate(ReferencePanels.Prop99);

        Assert.InRange(estimate.Att, expected - tolerance, expected + tolerance);
    }

    [Fact]
    public void Sdid_on_prop99_matches_published_weights_and_effect_curve()
    {
        var estimate = Sdid(WeightSolver.Synthdid).Estimate(ReferencePanels.Prop99);

        var lambda = estimate.TimeWeights!.ToDictionary(w => w.Period.ToString(), w => w.Weight);
        var lastThree = estimate.TimeWeights!.TakeLast(3).Select(w => w.Weight).ToArray();
        Assert.Equal([0.366, 0.206, 0.427], lastThree.Select(w => Math.Round(w, 3)));
        Assert.Equal(1.0, lambda.Values.Sum(), 12);
        var omega = Weights(estimate);
        Assert.Equal(0.124, omega["Nevada"], 0.001);
        Assert.Equal(0.105, omega["New Hampshire"], 0.001);
        Assert.Equal(0.078, omega["Connecticut"], 0.001);
        Assert.Equal(0.070, omega["Delaware"], 0.001);
        double[] curve = [-4.85, -4.33, -8.65, -8.42, -12.55, -16.11, -18.91, -19.35, -20.88, -22.78, -25.94, -24.48];
        Assert.Equal(curve.Length, estimate.Effects.Count);
        Assert.All(curve.Zip(estimate.Effects), pair => Assert.Equal(pair.First, pair.Second.Effect, 0.006));
    }

    [Fact]
    public void Sc_on_prop99_matches_published_weights()
    {
        var omega = Weights(new SynthdidEstimator(SynthdidOptions.SyntheticControl(WeightSolver.Synthdid)).Estimate(ReferencePanels.Prop99));

        var expected = new Dictionary<string, double>
        {
            ["Utah"] = 0.396, ["Montana"] = 0.232, ["Nevada"] = 0.204, ["Connecticut"] = 0.105,
            ["New Hampshire"] = 0.045, ["Colorado"] = 0.013, ["Delaware"] = 0.004,
        };
        foreach (var (state, weight) in expected)
        {
            Assert.Equal(weight, omega[state], 0.001);
        }
        Assert.All(omega.Where(w => !expected.ContainsKey(w.Key)), w => Assert.True(w.Value < 0.0005, $"{w.Key} {w.Value}"));
    }

    [Fact]
    public void Registry_lists_the_synthdid_family_after_did()
    {
        Assert.Equal(["did", "sc", "difp", "sdid"], PanelEstimators.Names.Take(4));
        Assert.Equal("sdid", PanelEstimators.Create("SDID").Name);
    }

    internal static SynthdidEstimator Sdid(WeightSolver solver) => new(SynthdidOptions.Sdid(solver));

    internal static Dictionary<string, double> Weights(PanelEstimate estimate) =>
        estimate.UnitWeights!.ToDictionary(w => w.Unit, w => w.Weight);
}
