using LiftPipeline.Statistics.Estimators.Solvers;
using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// GeoLift's estimator: synthetic control of the average treated unit with unit fixed effects (each unit's pre-period
/// mean removed before fitting, as augsynth's <c>fixedeff = TRUE</c>), simplex weights solved to convergence, and
/// optionally ridge augmentation (augmented SC, Ben-Michael, Feller, Rothstein 2021) with λ by leave-one-period-out
/// cross-validation and the one-standard-error rule (see <see cref="RidgeAugmentation"/>), reported in
/// <see cref="PanelEstimate.Tuning"/> as <c>lambda</c> and held fixed when variance methods re-run it (<see cref="ITunedEstimator"/>).
/// The counterfactual is ȳ_tr,pre-mean + Σ ω_i (Y_it − Ȳ_i,pre); the pre-fit L2 imbalance is therefore GeoLift's
/// imbalance on demeaned data and the scaled imbalance divides it by that of equal weights on demeaned data.
/// Immutable and thread-safe.
/// </summary>
public sealed class GeoLiftSyntheticControl : ITunedEstimator
{
    private readonly double? _lambda;

    /// <summary>Creates the estimator; <paramref name="ridge"/> adds the ridge augmentation (name <c>geolift-ridge</c>).</summary>
    public GeoLiftSyntheticControl(bool ridge = false)
    {
        Ridge = ridge;
    }

    private GeoLiftSyntheticControl(double lambda)
    {
        Ridge = true;
        _lambda = lambda;
    }

    /// <summary>Whether the SC weights are ridge-augmented.</summary>
    public bool Ridge { get; }

    /// <inheritdoc />
    /// <remarks>The ridge estimator with the estimate's λ, so a replication fits SC once instead of once per cross-validation fold; without ridge, itself.</remarks>
    public IPanelEstimator WithTuningOf(PanelEstimate estimate) =>
        Ridge && estimate.Tuning.TryGetValue("lambda", out double lambda) ? new GeoLiftSyntheticControl(lambda) : this;

    /// <inheritdoc />
    public string Name => Ridge ? "geolift-ridge" : "geolift";

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">Ridge augmentation with fewer than 3 pre periods.</exception>
    public PanelEstimate Estimate(BlockPanel data)
    {
        var (x, x1) = CentredPrePeriod(data);
        int n0 = data.N0, t0 = data.T0;
        var c = new double[n0];
        for (int i = 0; i < n0; i++)
        {
            c[i] = VectorMath.Dot(x.AsSpan(i * t0, t0), x1);
        }
        // G = XXᵀ is never formed: the solver reads it as inner products of the control paths (memory O(N0·T0)).
        var omega = SimplexLeastSquares.Solve(x, t0, c, target: x1);
        var tuning = new Dictionary<string, double>();
        if (Ridge)
        {
            (omega, double lambda) = _lambda is double fixedLambda
                ? RidgeAugmentation.Augment(x, x1, omega, fixedLambda)
                : RidgeAugmentation.Fit(x, x1, c, omega);
            tuning["lambda"] = lambda;
        }
        // Intercept with uniform pre-period weights = adding back the unit pre-period means (augsynth's demean_data).
        return EstimateBuilder.FromWeights(this, data, omega, lambda: null, intercept: true, tuning);
    }

    /// <summary>
    /// Control pre-period paths (N0×T0, row-major) and the average treated pre path, each unit demeaned by its own
    /// pre-period mean, then centred by the control mean of each period (neither step moves the simplex optimum).
    /// </summary>
    internal static (double[] X, double[] X1) CentredPrePeriod(BlockPanel data)
    {
        int n0 = data.N0, t0 = data.T0;
        var x = new double[n0 * t0];
        var x1 = new double[t0];
        var centre = new double[t0];
        for (int i = 0; i < data.N; i++)
        {
            var row = data.Row(i)[..t0];
            double mean = 0;
            foreach (double v in row)
            {
                mean += v;
            }
            mean /= t0;
            for (int s = 0; s < t0; s++)
            {
                double demeaned = row[s] - mean;
                if (i < n0)
                {
                    x[i * t0 + s] = demeaned;
                    centre[s] += demeaned / n0;
                }
                else
                {
                    x1[s] += demeaned / data.N1;
                }
            }
        }
        for (int s = 0; s < t0; s++)
        {
            x1[s] -= centre[s];
            for (int i = 0; i < n0; i++)
            {
                x[i * t0 + s] -= centre[s];
            }
        }
        return (x, x1);
    }
}
