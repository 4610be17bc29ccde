using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// Jackknife+ (Barber, Candès, Ramdas and Tibshirani 2021, Ann. Statist.) over control units. The training points are
/// the N0 controls, the test point is the (average) treated unit, and the "model" is the estimator's rule mapping
/// the other controls and a target's pre-period path to the target's post-period counterfactual. For each control i:
/// τ̂₋ᵢ is the estimate with control i dropped, and Rᵢ = |placebo estimate of unit i against the other N0−1 controls|,
/// i.e. i's leave-one-out prediction error of its post-period mean. The interval is
/// [q⁻_α(τ̂₋ᵢ − Rᵢ), q⁺_α(τ̂₋ᵢ + Rᵢ)] with α = 1 − level, q⁻ the ⌊α(N0+1)⌋-th smallest, q⁺ the ⌈(1−α)(N0+1)⌉-th
/// smallest (infinite when N0 is too small for that rank); the p-value is the smallest α whose interval excludes 0.
/// Coverage is at least 1 − 2α when the treated unit is exchangeable with the controls, typically 1 − α. With N1 &gt; 1
/// the residuals are single units' errors while the test point averages N1 units, so the interval is conservative.
/// Standard error NaN; warns when the bounds take fewer than <see cref="Uncertainty.MinimumDistinctReplications"/> distinct
/// values or the interval is unbounded (N0 + 1 &lt; 1/α). Runs 2·N0 re-estimates. Immutable and thread-safe.
/// </summary>
public sealed class JackknifePlusVariance : IVarianceEstimator
{
    private readonly VarianceOptions _options;

    /// <summary>Jackknife+ with the given options (level and parallelism are used).</summary>
    public JackknifePlusVariance(VarianceOptions? options = null) => _options = options ?? new VarianceOptions();

    /// <inheritdoc />
    public string Name => "jackknife+";

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">Fewer than two control units.</exception>
    public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default)
    {
        var data = estimate.Data;
        if (data.N0 < 2)
        {
            throw new MeasurementNotPossibleException($"Jackknife+ needs at least two control units (got {data.N0}).");
        }
        var lower = new double[data.N0];
        var upper = new double[data.N0];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxDegreeOfParallelism), CancellationToken = cancellationToken };
        Replications.For(data.N0, parallel, i =>
        {
            var (leaveOut, residual) = LeaveOneOut(estimate.Replicator, data, i);
            lower[i] = leaveOut - residual;
            upper[i] = leaveOut + residual;
            _options.Progress?.Report(i + 1);
        });
        // The interval rests on the N0 leave-one-out bounds on each side; ties (controls the estimator cannot tell apart) count once.
        int distinct = Math.Min(Uncertainty.CountDistinct(lower), Uncertainty.CountDistinct(upper));
        return Interval(lower, upper, 1 - _options.Level, Name).WithDistinctReplications(distinct);
    }

    /// <summary>τ̂ without control i, and |placebo τ̂ of control i against the other controls|.</summary>
    internal static (double LeaveOut, double Residual) LeaveOneOut(IPanelEstimator estimator, BlockPanel data, int i)
    {
        var rows = new int[data.N - 1];
        int k = 0;
        for (int r = 0; r < data.N; r++)
        {
            if (r != i)
            {
                rows[k++] = r;
            }
        }
        double leaveOut = estimator.Estimate(data.WithRows(rows, data.N0 - 1)).Att;
        var placeboRows = new int[data.N0];
        Array.Copy(rows, placeboRows, data.N0 - 1);
        placeboRows[data.N0 - 1] = i;
        double residual = Math.Abs(estimator.Estimate(data.WithRows(placeboRows, data.N0 - 1)).Att);
        return (leaveOut, residual);
    }

    // Barber et al. (2021), eq. (6): [q⁻_α{μ̂₋ᵢ − Rᵢ}, q⁺_α{μ̂₋ᵢ + Rᵢ}], here on τ = ȳ_tr − μ.
    internal static Uncertainty Interval(double[] lower, double[] upper, double alpha, string method)
    {
        int n = lower.Length;
        int lowRank = (int)Math.Floor(alpha * (n + 1) + 1e-9);
        int highRank = (int)Math.Ceiling((1 - alpha) * (n + 1) - 1e-9);
        var sortedLower = (double[])lower.Clone();
        var sortedUpper = (double[])upper.Clone();
        Array.Sort(sortedLower);
        Array.Sort(sortedUpper);
        double low = lowRank >= 1 ? sortedLower[lowRank - 1] : double.NegativeInfinity;
        double high = highRank <= n ? sortedUpper[highRank - 1] : double.PositiveInfinity;
        int lowerNotAbove = 0, upperNotBelow = 0;
        for (int i = 0; i < n; i++)
        {
            lowerNotAbove += lower[i] <= 0 ? 1 : 0;
            upperNotBelow += upper[i] >= 0 ? 1 : 0;
        }
        double p = Math.Min(1.0, (1.0 + Math.Min(lowerNotAbove, upperNotBelow)) / (n + 1));
        return new Uncertainty(method, double.NaN, low, high, p, n);
    }
}
