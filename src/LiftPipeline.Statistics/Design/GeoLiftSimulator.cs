using System.Runtime.CompilerServices;
using LiftPipeline.Statistics.Estimators.Solvers;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// GeoLift's power simulation, fast: the de-meaned ("fixed effects") synthetic control of the treated markets' average,
/// with the work shared across simulations. Every fit needs only the Gram of the markets de-meaned over a prefix of the
/// history, computed once per prefix length for the whole panel (<see cref="PrefixMoments"/>); the treated average is a
/// pseudo-unit whose cross products are averages of Gram rows. The pre-window fit does not depend on the effect, so ATT,
/// lift and investment of every effect size follow from one fit in closed form; the all-period refit of the conformal
/// test has a fixed Gram and a linear term linear in the effect, so it is warm-started from one effect size to the next.
/// Permutations are re-sums of the residuals (<see cref="GeoConformalTest"/>, one per window shape). One instance per thread.
/// </summary>
internal sealed class GeoLiftSimulator : IGeoSimulator
{
    private readonly GeoDesignPanel _data;
    private readonly GeoDesignOptions _options;
    private readonly double[] _centred;
    private readonly Dictionary<int, PrefixMoments> _prefixes = [];
    private readonly Dictionary<(int Length, int Duration), GeoConformalTest> _tests = [];
    private readonly SimplexActiveSet _solver;
    private readonly double[] _treatedMean, _residuals, _baseline, _c0, _c1, _preWeights;
    private readonly int[] _lastGroup;
    private int _lastTreated = -1, _lastDonors = -1;

    public GeoLiftSimulator(GeoDesignPanel data, GeoDesignOptions options)
    {
        _data = data;
        _options = options;
        int n = data.N, t = data.T;
        // Each market centred on its whole-history mean: de-meaned quantities are unchanged and sums of products lose less to rounding.
        _centred = new double[n * t];
        for (int i = 0; i < n; i++)
        {
            var row = data.Row(i);
            double mean = Mean(row);
            for (int s = 0; s < t; s++)
            {
                _centred[i * t + s] = row[s] - mean;
            }
        }
        _solver = new SimplexActiveSet(n);
        _treatedMean = new double[t];
        _residuals = new double[t];
        _baseline = new double[t];
        _c0 = new double[n];
        _c1 = new double[n];
        _preWeights = new double[n];
        _lastGroup = new int[n + n];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public void Simulate(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window, ReadOnlySpan<double> effects, Span<GeoSimulation> results)
    {
        int length = window.Length, d = window.Duration, t0 = window.T0, n0 = donors.Length;
        if (n0 < 1 || treated.Length < 1 || t0 < 1 || d < 1 || length > _data.T)
        {
            throw new ArgumentException($"A simulation needs treated markets, donors and a window inside the history (got {treated.Length} treated, {n0} donors, window {length} − {d}).");
        }
        TreatedMean(treated, length);
        var pre = Prefix(t0);

        // Pre-window fit: ω on the first T0 periods, each market de-meaned over them (augsynth's fixedeff).
        LoadProblem(pre, treated, donors);
        if (SameGroupAsLastCall(treated, donors))
        {
            _preWeights.AsSpan(0, n0).CopyTo(_solver.Weights);   // the previous window's optimum: nearby windows share most of the support
        }
        else
        {
            _solver.Weights.AsSpan(0, n0).Clear();
        }
        _solver.Solve(n0);
        _solver.Weights.AsSpan(0, n0).CopyTo(_preWeights);
        double scaledL2 = ScaledImbalance(pre, donors, t0);

        // Closed form in e: the treated window is (1+e)·A, the counterfactual C does not move. att = ((1+e)A − C)/d, lift = ((1+e)A − C)/C.
        double observed = 0, treatedPreMean = 0;
        for (int t = 0; t < t0; t++)
        {
            treatedPreMean += _treatedMean[t];
        }
        treatedPreMean /= t0;
        for (int t = t0; t < length; t++)
        {
            observed += _treatedMean[t];
        }
        double counterfactual = d * treatedPreMean;
        for (int a = 0; a < n0; a++)
        {
            double w = _preWeights[a];
            if (w != 0)
            {
                int i = donors[a];
                var row = _centred.AsSpan(i * _data.T, length);
                double sum = 0;
                for (int t = t0; t < length; t++)
                {
                    sum += row[t];
                }
                counterfactual += w * (sum - d * pre.Means[i]);
            }
        }

        // All-period refit of the conformal test: Gram fixed per L, linear term c0 + e·c1.
        var all = Prefix(length);
        LoadProblem(all, treated, donors);
        _solver.Linear.AsSpan(0, n0).CopyTo(_c0);
        for (int a = 0; a < n0; a++)
        {
            int i = donors[a];
            var row = _centred.AsSpan(i * _data.T, length);
            double mean = all.Means[i], sum = 0;
            for (int t = t0; t < length; t++)
            {
                sum += (row[t] - mean) * _treatedMean[t];
            }
            _c1[a] = sum;
        }
        _preWeights.AsSpan(0, n0).CopyTo(_solver.Weights);
        var test = Test(length, d);
        for (int k = 0; k < effects.Length; k++)
        {
            double e = effects[k];
            for (int a = 0; a < n0; a++)
            {
                _solver.Linear[a] = _c0[a] + e * _c1[a];
            }
            if (k == 0)
            {
                _solver.Solve(n0);
            }
            else
            {
                _solver.Resolve();
            }
            RefitResiduals(all, donors, length, t0, e);
            double incremental = (1 + e) * observed - counterfactual;
            results[k] = new GeoSimulation(
                test.PValue(_residuals.AsSpan(0, length), e),
                incremental / d,
                incremental / counterfactual,
                _options.Cpic * e * treated.Length * observed,
                scaledL2);
        }
    }

    /// <summary>Whether this call simulates the same treated markets and donors as the last one (then remembered for the next).</summary>
    private bool SameGroupAsLastCall(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors)
    {
        bool same = treated.Length == _lastTreated && donors.Length == _lastDonors
            && treated.SequenceEqual(_lastGroup.AsSpan(0, _lastTreated))
            && donors.SequenceEqual(_lastGroup.AsSpan(_lastTreated, _lastDonors));
        if (!same)
        {
            treated.CopyTo(_lastGroup);
            donors.CopyTo(_lastGroup.AsSpan(treated.Length));
            _lastTreated = treated.Length;
            _lastDonors = donors.Length;
        }
        return same;
    }

    /// <summary>The treated markets' average path over the first <paramref name="length"/> periods, un-lifted.</summary>
    private void TreatedMean(ReadOnlySpan<int> treated, int length)
    {
        var mean = _treatedMean.AsSpan(0, length);
        mean.Clear();
        foreach (int j in treated)
        {
            VectorMath.AddScaled(mean, _data.Row(j)[..length], 1.0 / treated.Length);
        }
    }

    /// <summary>G_ab of the donors and c_a = mean over treated j of G_aj, all de-meaned over the prefix.</summary>
    private void LoadProblem(PrefixMoments prefix, ReadOnlySpan<int> treated, ReadOnlySpan<int> donors)
    {
        int n = _data.N, n0 = donors.Length, stride = _solver.Capacity;
        var gram = prefix.Gram;
        for (int a = 0; a < n0; a++)
        {
            var from = gram.AsSpan(donors[a] * n, n);
            var to = _solver.Gram.AsSpan(a * stride, n0);
            for (int b = 0; b < n0; b++)
            {
                to[b] = from[donors[b]];
            }
            double c = 0;
            foreach (int j in treated)
            {
                c += from[j];
            }
            _solver.Linear[a] = c / treated.Length;
        }
    }

    /// <summary>‖x₁ − X'ω‖ / ‖x₁ − X'1/N0‖ on the pre-window periods de-meaned (augsynth's scaled L2 imbalance with fixedeff).</summary>
    private double ScaledImbalance(PrefixMoments pre, ReadOnlySpan<int> donors, int t0)
    {
        double treatedMean = Mean(_treatedMean.AsSpan(0, t0));
        var fit = _residuals.AsSpan(0, t0);
        var equal = _baseline.AsSpan(0, t0);
        for (int t = 0; t < t0; t++)
        {
            fit[t] = equal[t] = _treatedMean[t] - treatedMean;
        }
        for (int a = 0; a < donors.Length; a++)
        {
            int i = donors[a];
            var row = _centred.AsSpan(i * _data.T, t0);
            double mean = pre.Means[i], w = _preWeights[a], uniform = 1.0 / donors.Length;
            for (int t = 0; t < t0; t++)
            {
                double x = row[t] - mean;
                fit[t] -= w * x;
                equal[t] -= uniform * x;
            }
        }
        double equalNorm = VectorMath.Dot(equal, equal);
        return equalNorm > 0 ? Math.Sqrt(VectorMath.Dot(fit, fit) / equalNorm) : double.NaN;
    }

    /// <summary>u_t = z̃_t − Σ ω_a X̃_at over all L periods, z the treated average lifted by (1+e) in the window, both de-meaned over L.</summary>
    private void RefitResiduals(PrefixMoments all, ReadOnlySpan<int> donors, int length, int t0, double e)
    {
        var u = _residuals.AsSpan(0, length);
        double mean = 0;
        for (int t = 0; t < length; t++)
        {
            u[t] = t < t0 ? _treatedMean[t] : (1 + e) * _treatedMean[t];
            mean += u[t];
        }
        mean /= length;
        for (int t = 0; t < length; t++)
        {
            u[t] -= mean;
        }
        var weights = _solver.Weights;
        for (int a = 0; a < donors.Length; a++)
        {
            double w = weights[a];
            if (w != 0)
            {
                int i = donors[a];
                VectorMath.AddScaled(u, _centred.AsSpan(i * _data.T, length), -w);
                double shift = w * all.Means[i];
                for (int t = 0; t < length; t++)
                {
                    u[t] += shift;
                }
            }
        }
    }

    private PrefixMoments Prefix(int length)
    {
        if (!_prefixes.TryGetValue(length, out var prefix))
        {
            prefix = new PrefixMoments(_centred, _data.N, _data.T, length);
            _prefixes[length] = prefix;
        }
        return prefix;
    }

    private GeoConformalTest Test(int length, int duration)
    {
        if (!_tests.TryGetValue((length, duration), out var test))
        {
            test = new GeoConformalTest(length, duration, _options.Permutation, _options.Permutations, _options.Seed, _options.Side);
            _tests[(length, duration)] = test;
        }
        return test;
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }
        return sum / values.Length;
    }

    /// <summary>
    /// Every market's mean over the first P periods and the N×N Gram of the markets de-meaned over them,
    /// G_ij = Σ_{t&lt;P} (Y_it − m_i)(Y_jt − m_j).
    /// </summary>
    private sealed class PrefixMoments
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
        public PrefixMoments(double[] centred, int n, int t, int length)
        {
            Means = new double[n];
            Gram = new double[n * n];
            var demeaned = new double[n * length];
            for (int i = 0; i < n; i++)
            {
                var row = centred.AsSpan(i * t, length);
                double mean = Mean(row);
                Means[i] = mean;
                for (int s = 0; s < length; s++)
                {
                    demeaned[i * length + s] = row[s] - mean;
                }
            }
            for (int i = 0; i < n; i++)
            {
                var xi = demeaned.AsSpan(i * length, length);
                for (int j = 0; j <= i; j++)
                {
                    Gram[i * n + j] = Gram[j * n + i] = VectorMath.Dot(xi, demeaned.AsSpan(j * length, length));
                }
            }
        }

        /// <summary>m_i over the prefix, of the centred data.</summary>
        public double[] Means { get; }

        /// <summary>G, N×N row-major.</summary>
        public double[] Gram { get; }
    }
}
