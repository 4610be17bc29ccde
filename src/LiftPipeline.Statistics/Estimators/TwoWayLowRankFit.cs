namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// The solution of the weighted two-way fixed effects + nuclear-norm problem shared by matrix completion and TROP:
/// minimise Σ_it v_it (Y_it − α_i − β_t − L_it)² + penalty·‖L‖_*, with v = w / Σw (weights normalised to sum to one;
/// zero weight = unobserved/treated cell). With w the indicator of observed cells this is exactly the objective of
/// Athey, Bayati, Doudchenko, Imbens and Khosravi (2021) as the MCPanel reference scales it:
/// (1/|O|) Σ_O (Y − L − Γ1' − 1Δ')² + λ‖L‖_*. An infinite penalty means L = 0 (two-way fixed effects only).
/// </summary>
internal sealed class TwoWayLowRankFit
{
    private TwoWayLowRankFit(int n, int t)
    {
        N = n;
        T = t;
        Alpha = new double[n];
        Beta = new double[t];
        L = new double[n * t];
    }

    public int N { get; }

    public int T { get; }

    /// <summary>Unit fixed effects α_i (Γ in the MC paper).</summary>
    public double[] Alpha { get; }

    /// <summary>Time fixed effects β_t (Δ in the MC paper).</summary>
    public double[] Beta { get; }

    /// <summary>The low-rank component, row-major N×T.</summary>
    public double[] L { get; }

    /// <summary>Outer iterations used (singular value thresholding steps).</summary>
    public int Iterations { get; private set; }

    /// <summary>α_i + β_t + L_it.</summary>
    public double Fitted(int i, int t) => Alpha[i] + Beta[t] + L[i * T + t];

    /// <summary>
    /// Solves the problem by accelerated proximal gradient on L with the fixed effects profiled out: at each step the
    /// fixed effects are re-fitted exactly (<see cref="WeightedTwoWayEffects"/>) and L takes one proximal step — singular value
    /// soft-thresholding of L + (v/v_max)∘R at penalty/(2 v_max), the MCPanel step — until the relative decrease of the
    /// objective is below <paramref name="tolerance"/>. Warm-starts from <paramref name="start"/>.
    /// </summary>
    public static TwoWayLowRankFit Solve(ReadOnlySpan<double> y, ReadOnlySpan<double> w, int n, int t, double penalty,
        TwoWayLowRankFit? start = null, double tolerance = 1e-6, int maxIterations = 2000)
    {
        var v = Normalised(w, out double vMax);
        var effects = new WeightedTwoWayEffects(v, n, t);
        var fit = new TwoWayLowRankFit(n, t);
        if (start is not null && double.IsFinite(penalty))
        {
            start.Alpha.CopyTo(fit.Alpha, 0);
            start.Beta.CopyTo(fit.Beta, 0);
            start.L.CopyTo(fit.L, 0);
        }
        fit.FitFixedEffects(y, v, effects);
        if (!double.IsFinite(penalty))
        {
            return fit;
        }
        var work = new double[n * t];
        var previous = (double[])fit.L.Clone();
        var probe = new TwoWayLowRankFit(n, t);
        fit.Alpha.CopyTo(probe.Alpha, 0);
        fit.Beta.CopyTo(probe.Beta, 0);
        double objective = fit.Loss(y, v) + penalty * NuclearNorm(fit.L, n, t);
        double momentum = 1;
        for (int iteration = 1; iteration <= maxIterations; iteration++)
        {
            fit.Iterations = iteration;
            // FISTA (Beck & Teboulle 2009) on the objective profiled over the fixed effects, restarted when it rises.
            double nextMomentum = (1 + Math.Sqrt(1 + 4 * momentum * momentum)) / 2;
            double extrapolation = (momentum - 1) / nextMomentum;
            for (int k = 0; k < work.Length; k++)
            {
                probe.L[k] = fit.L[k] + extrapolation * (fit.L[k] - previous[k]);
            }
            probe.FitFixedEffects(y, v, effects);
            // Proximal gradient step with step 1/(2 v_max): the MCPanel update L ← SVT(P_O(Y − fit) + L, λ|O|/2) when v = mask/|O|.
            for (int k = 0; k < work.Length; k++)
            {
                int i = k / t, s = k - i * t;
                work[k] = probe.L[k] + v[k] / vMax * (y[k] - probe.Alpha[i] - probe.Beta[s] - probe.L[k]);
            }
            fit.L.CopyTo(previous, 0);
            double nuclear = SingularValueThreshold.Apply(work, n, t, penalty / (2 * vMax), fit.L);
            fit.FitFixedEffects(y, v, effects);
            double next = fit.Loss(y, v) + penalty * nuclear;
            if (!double.IsFinite(next))
            {
                throw new NumericalFailureException($"the low-rank fit diverged (non-finite objective after {iteration} steps).");
            }
            double decrease = (objective - next) / Math.Max(objective, double.Epsilon);
            objective = next;
            momentum = decrease < 0 ? 1 : nextMomentum;
            if (next < 1e-14 || (decrease >= 0 && decrease < tolerance))
            {
                break;
            }
        }
        return fit;
    }

    /// <summary>
    /// The smallest penalty at which L = 0 is optimal: 2·σ_max(v∘R) with R the residual of the fixed-effects-only fit
    /// (the MCPanel λ_max = 2σ_max(P_O(R))/|O| when v = mask/|O|).
    /// </summary>
    public static double PenaltyMax(ReadOnlySpan<double> y, ReadOnlySpan<double> w, int n, int t)
    {
        var v = Normalised(w, out _);
        var effects = new WeightedTwoWayEffects(v, n, t);
        var fit = new TwoWayLowRankFit(n, t);
        fit.FitFixedEffects(y, v, effects);
        var gradient = new double[n * t];
        for (int k = 0; k < gradient.Length; k++)
        {
            int i = k / t, s = k - i * t;
            gradient[k] = v[k] * (y[k] - fit.Alpha[i] - fit.Beta[s]);
        }
        return 2 * SingularValueThreshold.SingularValues(gradient, n, t)[0];
    }

    /// <summary>Σ v (Y − α − β − L)².</summary>
    public double Loss(ReadOnlySpan<double> y, ReadOnlySpan<double> v)
    {
        double sum = 0;
        for (int k = 0; k < v.Length; k++)
        {
            if (v[k] == 0)
            {
                continue;
            }
            int i = k / T, s = k - i * T;
            double r = y[k] - Alpha[i] - Beta[s] - L[k];
            sum += v[k] * r * r;
        }
        return sum;
    }

    private static double[] Normalised(ReadOnlySpan<double> w, out double vMax)
    {
        double total = 0;
        vMax = 0;
        foreach (double x in w)
        {
            if (!(x >= 0) || double.IsInfinity(x))
            {
                throw new ArgumentException("Weights must be finite and non-negative.", nameof(w));
            }
            total += x;
        }
        if (total <= 0)
        {
            throw new ArgumentException("At least one cell needs a positive weight.", nameof(w));
        }
        var v = new double[w.Length];
        for (int k = 0; k < v.Length; k++)
        {
            v[k] = w[k] / total;
            vMax = Math.Max(vMax, v[k]);
        }
        return v;
    }

    /// <summary>Weighted two-way fixed effects of Y − L: the exact solve, polished by alternating weighted means until they stop moving.</summary>
    private void FitFixedEffects(ReadOnlySpan<double> y, ReadOnlySpan<double> v, WeightedTwoWayEffects effects)
    {
        effects.TrySolve(y, L, Alpha, Beta);
        double scale = 1;
        for (int k = 0; k < y.Length; k++)
        {
            scale = Math.Max(scale, Math.Abs(y[k]));
        }
        for (int sweep = 0; sweep < 10_000; sweep++)
        {
            double change = 0;
            for (int i = 0; i < N; i++)
            {
                double num = 0, den = 0;
                for (int s = 0, k = i * T; s < T; s++, k++)
                {
                    num += v[k] * (y[k] - Beta[s] - L[k]);
                    den += v[k];
                }
                double a = den > 0 ? num / den : 0;
                change = Math.Max(change, Math.Abs(a - Alpha[i]));
                Alpha[i] = a;
            }
            for (int s = 0; s < T; s++)
            {
                double num = 0, den = 0;
                for (int i = 0, k = s; i < N; i++, k += T)
                {
                    num += v[k] * (y[k] - Alpha[i] - L[k]);
                    den += v[k];
                }
                double b = den > 0 ? num / den : 0;
                change = Math.Max(change, Math.Abs(b - Beta[s]));
                Beta[s] = b;
            }
            if (change <= 1e-13 * scale)
            {
                return;
            }
        }
    }

    private static double NuclearNorm(double[] l, int n, int t)
    {
        bool zero = true;
        foreach (double x in l)
        {
            if (x != 0)
            {
                zero = false;
                break;
            }
        }
        if (zero)
        {
            return 0;
        }
        double sum = 0;
        foreach (double sigma in SingularValueThreshold.SingularValues(l, n, t))
        {
            sum += sigma;
        }
        return sum;
    }
}
