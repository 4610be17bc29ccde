using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Matrix completion with a nuclear-norm penalty and unit and time fixed effects (Athey, Bayati, Doudchenko, Imbens,
/// Khosravi 2021, JASA): fits Y ≈ L + Γ1' + 1Δ' on the untreated cells O by minimising
/// (1/|O|)·Σ_O (Y − L − Γ1' − 1Δ')² + λ‖L‖_* and imputes the treated cells with L + Γ + Δ.
/// λ is fixed by <see cref="MatrixCompletionOptions.Lambda"/> or chosen by the MCPanel reference's cross-validation:
/// random training masks (each observed cell kept with probability <see cref="MatrixCompletionOptions.TrainingFraction"/>),
/// a grid log-spaced down from the largest per-split λ_max then 0, warm starts along the decreasing grid, and the
/// λ with the smallest mean validation MSE; the final fit follows the same path on all observed cells.
/// Immutable and thread-safe. At λ ≥ λ_max, L = 0 and the estimate is exactly DiD. The cross-validation reports its
/// path fits done as <c>tuning</c> progress and honours cancellation (<see cref="IProgressReportingEstimator"/>).
/// </summary>
public sealed class MatrixCompletion : ITunedEstimator, IProgressReportingEstimator
{
    /// <summary>Matrix completion with the given options (defaults when null).</summary>
    public MatrixCompletion(MatrixCompletionOptions? options = null)
    {
        Options = options ?? new MatrixCompletionOptions();
        if (Options.GridSize < 2 || Options.Folds < 1 || Options.TrainingFraction is <= 0 or >= 1 || Options.Lambda is < 0)
        {
            throw new ArgumentException("Matrix completion needs GridSize ≥ 2, Folds ≥ 1, 0 < TrainingFraction < 1 and λ ≥ 0.", nameof(options));
        }
    }

    /// <summary>The options in force.</summary>
    public MatrixCompletionOptions Options { get; }

    /// <inheritdoc />
    public string Name => "mc";

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">A fit failed numerically.</exception>
    public PanelEstimate Estimate(BlockPanel data) => Estimate(data, null);

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">A fit failed numerically.</exception>
    public PanelEstimate Estimate(BlockPanel data, IProgress<EstimateProgress>? progress, CancellationToken cancellationToken = default)
    {
        try
        {
            return Fit(data, progress, cancellationToken);
        }
        catch (NumericalFailureException failure)
        {
            throw new MeasurementNotPossibleException($"Matrix completion could not be fitted: {failure.Message} Fix λ (a larger one) or check the metric for extreme values.", failure);
        }
    }

    private PanelEstimate Fit(BlockPanel data, IProgress<EstimateProgress>? progress, CancellationToken cancellationToken)
    {
        var y = data.Values.ToArray();
        var mask = UntreatedMask(data);
        double lambdaMax = TwoWayLowRankFit.PenaltyMax(y, mask, data.N, data.T);
        TwoWayLowRankFit fit;
        double lambda;
        if (Options.Lambda is double fixedLambda)
        {
            lambda = fixedLambda;
            double[] path = Options.WarmStartPath ? [.. Grid(lambdaMax).Where(g => g > fixedLambda), fixedLambda] : [fixedLambda];
            fit = Path(y, mask, data.N, data.T, path, null);
        }
        else
        {
            var grid = CrossValidate(y, mask, data.N, data.T, progress, cancellationToken, out int best);
            lambda = grid[best];
            fit = Path(y, mask, data.N, data.T, grid.AsSpan(0, best + 1), null);
        }
        var (observed, counterfactual) = TreatedPaths(data, fit);
        var tuning = new Dictionary<string, double> { ["lambda"] = lambda, ["lambda_max"] = lambdaMax };
        return EstimateBuilder.FromCounterfactual(this, data, observed, counterfactual, intercept: true, tuning: tuning);
    }

    /// <summary>λ_max of the reference on <paramref name="data"/>: the smallest λ giving L = 0 with all untreated cells observed.</summary>
    public static double LambdaMax(BlockPanel data) => TwoWayLowRankFit.PenaltyMax(data.Values.ToArray(), UntreatedMask(data), data.N, data.T);

    /// <summary>1 on untreated cells, 0 on treated ones (row-major).</summary>
    internal static double[] UntreatedMask(BlockPanel data)
    {
        var mask = new double[data.N * data.T];
        for (int i = 0; i < data.N; i++)
        {
            for (int t = 0; t < data.T; t++)
            {
                mask[i * data.T + t] = i >= data.N0 && t >= data.T0 ? 0 : 1;
            }
        }
        return mask;
    }

    /// <summary>MCPanel's grid and split scheme; returns the grid and the index of the penalty with the lowest mean validation MSE.</summary>
    private double[] CrossValidate(double[] y, double[] mask, int n, int t, IProgress<EstimateProgress>? progress, CancellationToken cancellationToken, out int best)
    {
        var random = new Random(Options.Seed);
        var splits = new double[Options.Folds][];
        double lambdaMax = 0;
        for (int f = 0; f < splits.Length; f++)
        {
            splits[f] = new double[mask.Length];
            for (int k = 0; k < mask.Length; k++)
            {
                splits[f][k] = mask[k] > 0 && random.NextDouble() < Options.TrainingFraction ? 1 : 0;
            }
            lambdaMax = Math.Max(lambdaMax, TwoWayLowRankFit.PenaltyMax(y, splits[f], n, t));
        }
        var grid = Grid(lambdaMax);
        // Splits are independent paths: run them in parallel, then average in split order so the result does not depend on threads.
        var perSplit = new double[splits.Length][];
        long done = 0, total = (long)splits.Length * grid.Length;
        progress?.Report(new EstimateProgress("tuning", 0, total));
        DesignProblems.Unwrapped(() => Parallel.For(0, splits.Length, new ParallelOptions { CancellationToken = cancellationToken }, f =>
        {
            var errors = new double[grid.Length];
            Path(y, splits[f], n, t, grid, (g, fit) =>
            {
                errors[g] = ValidationMse(y, mask, splits[f], fit);
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new EstimateProgress("tuning", Interlocked.Increment(ref done), total));
            });
            perSplit[f] = errors;
        }));
        var mse = new double[grid.Length];
        foreach (var errors in perSplit)
        {
            for (int g = 0; g < grid.Length; g++)
            {
                mse[g] += errors[g] / splits.Length;
            }
        }
        best = 0;
        for (int g = 1; g < grid.Length; g++)
        {
            if (mse[g] < mse[best])
            {
                best = g;
            }
        }
        return grid;
    }

    /// <summary>GridSize − 1 penalties log-spaced from λ_max down GridDecades decades, then 0 (MCPanel's <c>logsp</c> grid).</summary>
    private double[] Grid(double lambdaMax)
    {
        var grid = new double[Options.GridSize];
        int m = grid.Length - 1;
        for (int g = 0; g < m; g++)
        {
            double exponent = m == 1 ? 0 : -Options.GridDecades * g / (m - 1);
            grid[g] = lambdaMax * Math.Pow(10, exponent);
        }
        grid[m] = 0;
        return grid;
    }

    /// <summary>
    /// Fits along a decreasing penalty path, each warm-started from the previous solution, handing each fit to
    /// <paramref name="visit"/> in turn; returns the last. Only two fits are alive at a time.
    /// </summary>
    private TwoWayLowRankFit Path(double[] y, double[] observed, int n, int t, ReadOnlySpan<double> grid, Action<int, TwoWayLowRankFit>? visit)
    {
        TwoWayLowRankFit? previous = null;
        for (int g = 0; g < grid.Length; g++)
        {
            previous = TwoWayLowRankFit.Solve(y, observed, n, t, grid[g], previous, Options.Tolerance, Options.MaxIterations);
            visit?.Invoke(g, previous);
        }
        return previous!;
    }

    private static double ValidationMse(double[] y, double[] mask, double[] training, TwoWayLowRankFit fit)
    {
        double sum = 0;
        int count = 0;
        for (int k = 0; k < y.Length; k++)
        {
            if (mask[k] > 0 && training[k] == 0)
            {
                double r = y[k] - fit.Fitted(k / fit.T, k % fit.T);
                sum += r * r;
                count++;
            }
        }
        return count > 0 ? sum / count : 0;
    }

    /// <summary>The average treated unit's observed path and its fitted path L + Γ + Δ, over all T periods.</summary>
    internal static (double[] Observed, double[] Counterfactual) TreatedPaths(BlockPanel data, TwoWayLowRankFit fit)
    {
        var counterfactual = new double[data.T];
        for (int i = data.N0; i < data.N; i++)
        {
            for (int t = 0; t < data.T; t++)
            {
                counterfactual[t] += fit.Fitted(i, t) / data.N1;
            }
        }
        return (data.TreatedMean(), counterfactual);
    }

    /// <inheritdoc />
    public IPanelEstimator WithTuningOf(PanelEstimate estimate) =>
        new MatrixCompletion(Options with { Lambda = estimate.Tuning["lambda"], WarmStartPath = true });
}
