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

    /// <summary>‖L‖_*, as the last thresholding step returned it (0 while L = 0).</summary>
    public double Nuclear { get; private set; }

    /// <summary>
    /// The scratch arrays of this fit's solve, handed on to the next fit warm-started from this one (no new N×T scratch
    /// per fit); null once handed on or released.
    /// </summary>
    private Scratch? _workspace;

    /// <summary>The thresholding workspace of this fit's last steps; fits warm-started from this one start from a copy of its subspace.</summary>
    private SingularValueThreshold? _thresholding;

    /// <summary>
    /// Takes the N×T scratch kept for a next warm-started fit (the small thresholding subspace stays): for fits held as
    /// starts for later, whose scratch can serve other fits meanwhile (pass it to <see cref="Solve"/>).
    /// </summary>
    public Scratch? DetachScratch()
    {
        var scratch = _workspace;
        _workspace = null;
        return scratch;
    }

    /// <summary>Per-solve scratch: normalised weights, the proximal step's argument, the previous L and the extrapolated probe.</summary>
    internal sealed class Scratch(int n, int t)
    {
        public int N { get; } = n;

        public int T { get; } = t;

        public double[] V { get; } = new double[n * t];

        public double[] Work { get; } = new double[n * t];

        public double[] Previous { get; } = new double[n * t];

        public TwoWayLowRankFit Probe { get; } = new(n, t);
    }

    /// <summary>α_i + β_t + L_it.</summary>
    public double Fitted(int i, int t) => Alpha[i] + Beta[t] + L[i * T + t];

    /// <summary>
    /// Solves the problem by accelerated proximal gradient on L with the fixed effects profiled out: at each step the
    /// fixed effects are re-fitted exactly (<see cref="WeightedTwoWayEffects"/>) and L takes one proximal step — singular value
    /// soft-thresholding of L + (v/v_max)∘R at penalty/(2 v_max), the MCPanel step — until the relative decrease of the
    /// objective is below <paramref name="tolerance"/>. Warm-starts from <paramref name="start"/>, and works in its scratch,
    /// else in <paramref name="scratch"/>, else in new scratch; the returned fit holds the scratch for the next solve.
    /// </summary>
    internal static TwoWayLowRankFit Solve(ReadOnlySpan<double> y, ReadOnlySpan<double> w, int n, int t, double penalty,
        TwoWayLowRankFit? start = null, double tolerance = 1e-6, int maxIterations = 2000, Scratch? scratch = null)
    {
        var workspace = start?._workspace is { } handed && handed.N == n && handed.T == t ? handed
            : scratch is not null && scratch.N == n && scratch.T == t ? scratch : new Scratch(n, t);
        // The start's subspace is copied, not taken: a fit kept as a start stays the same whatever is solved from it.
        var thresholding = start?._thresholding is { } kept && kept.N == n && kept.T == t ? kept.WarmCopy() : new SingularValueThreshold(n, t);
        if (start is not null)
        {
            start._workspace = null;
        }
        var v = workspace.V;
        Normalise(w, v, out double vMax);
        var effects = new WeightedTwoWayEffects(v, n, t);
        double scale = Scale(y);
        var fit = new TwoWayLowRankFit(n, t) { _workspace = workspace, _thresholding = thresholding };
        if (start is not null && double.IsFinite(penalty))
        {
            start.Alpha.CopyTo(fit.Alpha, 0);
            start.Beta.CopyTo(fit.Beta, 0);
            start.L.CopyTo(fit.L, 0);
            fit.Nuclear = start.Nuclear;
        }
        fit.FitFixedEffects(y, effects, scale);
        if (!double.IsFinite(penalty))
        {
            return fit;
        }
        var work = workspace.Work;
        var previous = workspace.Previous;
        fit.L.CopyTo(previous, 0);
        var probe = workspace.Probe;
        fit.Alpha.CopyTo(probe.Alpha, 0);
        fit.Beta.CopyTo(probe.Beta, 0);
        double objective = fit.Loss(y, v) + penalty * fit.Nuclear;
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
            probe.FitFixedEffects(y, effects, scale);
            // Proximal gradient step with step 1/(2 v_max): the MCPanel update L ← SVT(P_O(Y − fit) + L, λ|O|/2) when v = mask/|O|.
            double step = 1 / vMax;
            for (int i = 0; i < n; i++)
            {
                double a = probe.Alpha[i];
                for (int s = 0, k = i * t; s < t; s++, k++)
                {
                    work[k] = probe.L[k] + v[k] * step * (y[k] - a - probe.Beta[s] - probe.L[k]);
                }
            }
            fit.L.CopyTo(previous, 0);
            double nuclear = thresholding.Apply(work, penalty / (2 * vMax), fit.L);
            fit.Nuclear = nuclear;
            fit.FitFixedEffects(y, effects, scale);
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
        var v = new double[w.Length];
        Normalise(w, v, out _);
        var effects = new WeightedTwoWayEffects(v, n, t);
        double scale = Scale(y);
        var fit = new TwoWayLowRankFit(n, t);
        fit.FitFixedEffects(y, effects, scale);
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
        for (int i = 0; i < N; i++)
        {
            double a = Alpha[i];
            for (int s = 0, k = i * T; s < T; s++, k++)
            {
                // Zero-weight (unobserved or treated) cells are skipped: their residual may be anything.
                if (v[k] != 0)
                {
                    double r = y[k] - a - Beta[s] - L[k];
                    sum += v[k] * r * r;
                }
            }
        }
        return sum;
    }

    /// <summary>v = w / Σw, checked; <paramref name="vMax"/> = max v.</summary>
    private static void Normalise(ReadOnlySpan<double> w, double[] v, out double vMax)
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
        for (int k = 0; k < v.Length; k++)
        {
            v[k] = w[k] / total;
            vMax = Math.Max(vMax, v[k]);
        }
    }

    /// <summary>max(1, max |Y|): the scale of the fixed effects' stopping rule.</summary>
    private static double Scale(ReadOnlySpan<double> y)
    {
        double scale = 1;
        foreach (double x in y)
        {
            scale = Math.Max(scale, Math.Abs(x));
        }
        return scale;
    }

    /// <summary>Weighted two-way fixed effects of Y − L (<see cref="WeightedTwoWayEffects.Fit"/>).</summary>
    private void FitFixedEffects(ReadOnlySpan<double> y, WeightedTwoWayEffects effects, double scale) =>
        effects.Fit(y, L, Alpha, Beta, scale);
}
