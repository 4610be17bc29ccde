using LiftPipeline.Statistics.Estimators.Solvers;
using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// The synthdid weighted estimator (Arkhangelsky, Athey, Hirshberg, Imbens, Wager 2021): regularised simplex unit
/// weights ω, time weights λ as configured, and τ = (ȳ_tr,post − ω'Y_co,post) − λ'(ȳ_tr,pre − ω'Y_co,pre).
/// SDID, SC and DIFP are configurations (<see cref="SynthdidOptions"/>). Immutable and thread-safe.
/// </summary>
public sealed class SynthdidEstimator : IPanelEstimator, IReestimable
{
    private const string NoiseKey = "noise_level", ZetaOmegaKey = "zeta_omega", ZetaLambdaKey = "zeta_lambda";

    /// <summary>An estimator with the given configuration.</summary>
    public SynthdidEstimator(SynthdidOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The configuration.</summary>
    public SynthdidOptions Options { get; }

    /// <inheritdoc />
    public string Name => Options.Name;

    /// <inheritdoc />
    /// <remarks>Reports σ (<c>noise_level</c>), ζ_ω and ζ_λ in <see cref="PanelEstimate.Tuning"/>.</remarks>
    /// <exception cref="MeasurementNotPossibleException">Fewer than two pre periods (σ is undefined).</exception>
    public PanelEstimate Estimate(BlockPanel data)
    {
        double sigma = NoiseLevel(data);
        var penalties = new Penalties(
            (Options.EtaOmega ?? Math.Pow((double)data.N1 * data.T1, 0.25)) * sigma,
            Options.EtaLambda * sigma,
            Options.MinDecreaseFactor * sigma);
        var rows = new int[data.N];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i;
        }
        var (omega, lambda) = SolveWeights(new WeightProblems(data, Options.OmegaIntercept), rows, data.N0, null, null, penalties);
        var tuning = new Dictionary<string, double>
        {
            [NoiseKey] = sigma,
            [ZetaOmegaKey] = penalties.ZetaOmega,
            [ZetaLambdaKey] = penalties.ZetaLambda,
        };
        return EstimateBuilder.FromWeights(this, data, omega, lambda, Options.TimeWeights != TimeWeighting.None, tuning);
    }

    /// <summary>σ: the standard deviation of the controls' first differences over pre periods (the reference's noise level).</summary>
    public static double NoiseLevel(BlockPanel data)
    {
        if (data.T0 < Panels.PanelReadiness.MinPrePeriods)
        {
            throw new MeasurementNotPossibleException($"The synthdid estimators need at least two pre-treatment periods to measure noise (got {data.T0}).");
        }
        int count = data.N0 * (data.T0 - 1);
        double sum = 0, squares = 0;
        for (int i = 0; i < data.N0; i++)
        {
            var row = data.Row(i);
            for (int t = 1; t < data.T0; t++)
            {
                double diff = row[t] - row[t - 1];
                sum += diff;
                squares += diff * diff;
            }
        }
        double mean = sum / count;
        return count > 1 ? Math.Sqrt(Math.Max(squares - count * mean * mean, 0) / (count - 1)) : 0;
    }

    IReestimator IReestimable.Reestimator(PanelEstimate original)
    {
        if (!ReferenceEquals(original.Estimator, this) || original.Omega is null)
        {
            throw new ArgumentException("The estimate was not produced by this estimator.", nameof(original));
        }
        var penalties = new Penalties(original.Tuning[ZetaOmegaKey], original.Tuning[ZetaLambdaKey],
            Options.MinDecreaseFactor * original.Tuning[NoiseKey]);
        return new Reestimation(this, original, new WeightProblems(original.Data, Options.OmegaIntercept), penalties);
    }

    /// <summary>Solves λ (when configured) and ω on a row selection, from the given starts (uniform when null).</summary>
    private (double[] Omega, double[]? Lambda) SolveWeights(WeightProblems problems, ReadOnlySpan<int> rows, int n0,
        double[]? omegaStart, double[]? lambdaStart, Penalties penalties)
    {
        int T0 = problems.T0;
        double[]? lambda = Options.TimeWeights switch
        {
            TimeWeighting.Solved => Solve(problems.Lambda(rows, n0, penalties.ZetaLambda), lambdaStart ?? DefaultStart(T0), penalties.MinDecrease),
            TimeWeighting.Uniform => Uniform(T0),
            _ => null,
        };
        var omega = Solve(problems.Omega(rows, n0, penalties.ZetaOmega), omegaStart ?? DefaultStart(n0), penalties.MinDecrease);
        return (omega, lambda);
    }

    private double[] Solve(SimplexProblem problem, double[] start, double minDecrease)
    {
        if (Options.Solver == WeightSolver.Synthdid)
        {
            FrankWolfeSolver.SolveWithSparsify(problem, start, minDecrease);
        }
        else
        {
            SimplexActiveSet.Solve(problem, start);
        }
        return start;
    }

    /// <summary>Frank-Wolfe starts from uniform weights, as the reference; the exact solver from its best vertex (an all-zero start).</summary>
    private double[] DefaultStart(int n) => Options.Solver == WeightSolver.Synthdid ? Uniform(n) : new double[n];

    private static double[] Uniform(int n)
    {
        var x = new double[n];
        Array.Fill(x, 1.0 / n);
        return x;
    }

    /// <summary>ζ_ω, ζ_λ and Frank-Wolfe's minimum decrease, fixed by the original estimate for its variance replications.</summary>
    private readonly record struct Penalties(double ZetaOmega, double ZetaLambda, double MinDecrease);

    private sealed class Reestimation(SynthdidEstimator estimator, PanelEstimate original, WeightProblems problems, Penalties penalties) : IReestimator
    {
        public double Att(ReadOnlySpan<int> rows, int n0, bool updateWeights)
        {
            var omega = new double[n0];
            for (int p = 0; p < n0; p++)
            {
                omega[p] = original.Omega![rows[p]];
            }
            FrankWolfeSolver.SumNormalize(omega);
            var lambda = original.Lambda is null ? null : (double[])original.Lambda.Clone();
            if (updateWeights)
            {
                (omega, lambda) = estimator.SolveWeights(problems, rows, n0, omega, lambda, penalties);
            }
            return problems.Tau(rows, n0, omega, lambda);
        }
    }
}
