using System.Globalization;
using System.Text;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Audiences.Validation;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// Known truth for the balance check: on correct hash assignments of n = 2,000 customers (a new salt each time) with a
/// skewed revenue-like covariate, the share of assignments with |d| ≥ 0.1 is what the normal approximation
/// 2(1 − Φ(0.1 / √(1/n_arm + 1/n_holdout))) says, within 4 binomial standard errors: about 2.5 % at 50/50, 18 % at
/// 10/90. This is why a segment that small only warns (<see cref="StandardisedMeanDifference.IsDecisive"/>).
/// </summary>
[Trait("Category", "Simulation")]
public sealed class BalanceFalseAlarmSimulationTests(ITestOutputHelper output)
{
    private const int Customers = 2_000;
    private const int Replicates = 3_000;

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.1)]
    public void The_false_alarm_rate_of_a_correct_assignment_is_the_normal_approximations(double holdoutShare)
    {
        var allocation = BucketAllocation.FromShares([new("holdout", holdoutShare), new("vbo", 1 - holdoutShare)]);
        var revenue = new double[Customers];
        var random = new Random(20261205);
        int alarms = 0, decisive = 0;
        double predicted = 0;
        for (int r = 0; r < Replicates; r++)
        {
            for (int i = 0; i < Customers; i++)
            {
                revenue[i] = -80 * Math.Log(1 - random.NextDouble());
            }
            var assigner = new HoldoutAssigner("sim", string.Create(CultureInfo.InvariantCulture, $"salt-{r}"), allocation);
            var moments = new CovariateAccumulator(2, 1);
            for (int i = 0; i < Customers; i++)
            {
                moments.Add(assigner.ArmOf(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"c{i}"))), 0, revenue[i]);
            }
            var d = StandardisedMeanDifference.Of("revenue", "vbo", moments.Moments(1, 0), moments.Moments(0, 0));
            alarms += d.IsImbalanced(0.1) ? 1 : 0;
            decisive += d.IsDecisive(0.1) ? 1 : 0;
            predicted += d.FalseAlarmProbability(0.1) / Replicates;
        }

        double observed = alarms / (double)Replicates;
        double se = Math.Sqrt(predicted * (1 - predicted) / Replicates);
        output.WriteLine($"holdout {holdoutShare}: {alarms} of {Replicates} alarms = {observed:F4}, normal approximation {predicted:F4} (SE {se:F4})");
        Assert.True(Math.Abs(observed - predicted) < 4 * se, $"observed {observed}, predicted {predicted}");
        Assert.InRange(predicted, holdoutShare == 0.5 ? 0.02 : 0.15, holdoutShare == 0.5 ? 0.03 : 0.21);
        Assert.Equal(0, decisive);
    }
}
