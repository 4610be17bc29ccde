using System.Runtime.CompilerServices;
using LiftPipeline.Statistics.Estimators.Solvers;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// GeoLift's power simulation, fast: the de-meaned ("fixed effects") synthetic control of the treated markets' average,
/// with the work shared across simulations. Every fit needs only the Gram of the markets de-meaned over a prefix of the
/// history, computed once per prefix length for the whole panel (<see cref="GeoPrefixMoments"/>); the treated average is a
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
    private readonly Dictionary<int, GeoPrefixMoments> _prefixes = [];
    private readonly Dictionary<(int Length, int Duration), GeoConformalTest> _tests = [];
    private readonly SimplexActiveSet _solver;
    private readonly double[] _treatedMean, _residuals, _c0, _c1, _preWeights;
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
        _c0 = new double[n];
        _c1 = new double[n];
        _preWeights = new double[n];
        _lastGroup = new int[n + n];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public void Simulate(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window, ReadOnlySpan<double> effects, Span<GeoSimulation> results)
    {
        int length = window.Length, d = window.Duration, t0 = window.T0, n = _data.N;
        if (donors.Length < 1 || treated.Length < 1 || t0 < 1 || d < 1 || length > _data.T)
        {
            throw new ArgumentException($"A simulation needs treated markets, donors and a window inside the history (got {treated.Length} treated, {donors.Length} donors, window {length} − {d}).");
        }
        bool sameGroup = SameGroupAsLastCall(treated, donors);
        TreatedMean(treated, length);
        var pre = Prefix(t0);

        // Pre-window fit: ω on the first T0 periods, each market de-meaned over them (Abadie, Diamond and Hainmueller 2010 weights; augsynth's fixedeff, Ben-Michael, Feller and Rothstein 2021).
        _solver.Gram = pre.Gram;
        double treatedSquare = LoadLinear(pre, treated, _c0);
        _c0.CopyTo(_solver.Linear, 0);
        if (sameGroup)
        {
            _preWeights.CopyTo(_solver.Weights, 0);   // the previous window's optimum: nearby windows share most of the support
        }
        else
        {
            Array.Clear(_solver.Weights);
        }
        _solver.Solve();
        _solver.Weights.CopyTo(_preWeights, 0);
        double scaledL2 = ScaledImbalance(pre, treatedSquare, donors.Length);

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
        for (int i = 0; i < n; i++)
        {
            double w = _preWeights[i];
            if (w != 0)
            {
                var row = _centred.AsSpan(i * _data.T, length);
                double sum = 0;
                for (int t = t0; t < length; t++)
                {
                    sum += row[t];
                }
                counterfactual += w * (sum - d * pre.Means[i]);
            }
        }

        // All-period refit under no effect (Chernozhukov, Wüthrich and Zhu 2021, Algorithm 1): Gram fixed per L, linear term c0 + e·c1.
        var all = Prefix(length);
        _solver.Gram = all.Gram;
        LoadLinear(all, treated, _c0);
        foreach (int i in donors)
        {
            var row = _centred.AsSpan(i * _data.T, length);
            double mean = all.Means[i], sum = 0;
            for (int t = t0; t < length; t++)
            {
                sum += (row[t] - mean) * _treatedMean[t];
            }
            _c1[i] = sum;
        }
        _preWeights.CopyTo(_solver.Weights, 0);
        var test = Test(length, d);
        for (int k = 0; k < effects.Length; k++)
        {
            double e = effects[k];
            foreach (int i in donors)
            {
                _solver.Linear[i] = _c0[i] + e * _c1[i];
            }
            if (k == 0)
            {
                _solver.Solve();
            }
            else
            {
                _solver.Resolve();
            }
            RefitResiduals(all, length, t0, e);
            double incremental = (1 + e) * observed - counterfactual;
            results[k] = new GeoSimulation(
                test.PValue(_residuals.AsSpan(0, length), e),
                incremental / d,
                incremental / counterfactual,
                _options.Cpic * e * treated.Length * observed,
                scaledL2);
        }
    }

    /// <summary>
    /// The p-value of the no-effect test alone (a calibration window): the all-period refit at effect 0, without the
    /// pre-window fit the point estimates need; warm-started from the last refit of the same test group.
    /// </summary>
    public double NullPValue(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window)
    {
        int length = window.Length, t0 = window.T0;
        if (donors.Length < 1 || treated.Length < 1 || t0 < 1 || window.Duration < 1 || length > _data.T)
        {
            throw new ArgumentException($"A simulation needs treated markets, donors and a window inside the history (got {treated.Length} treated, {donors.Length} donors, window {length} − {window.Duration}).");
        }
        if (!SameGroupAsLastCall(treated, donors))
        {
            Array.Clear(_solver.Weights);
        }
        TreatedMean(treated, length);
        var all = Prefix(length);
        _solver.Gram = all.Gram;
        LoadLinear(all, treated, _solver.Linear);
        _solver.Solve();
        RefitResiduals(all, length, t0, 0);
        return Test(length, window.Duration).PValue(_residuals.AsSpan(0, length), 0);
    }

    /// <summary>
    /// Whether this call simulates the same treated markets and donors as the last one; if not, remembers them and
    /// marks the donors as the solver's allowed variables.
    /// </summary>
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
            Array.Clear(_solver.Allowed);
            Array.Clear(_c1);
            foreach (int i in donors)
            {
                _solver.Allowed[i] = true;
            }
            foreach (int j in treated)
            {
                if (_solver.Allowed[j])
                {
                    throw new ArgumentException($"Market {_data.Units[j]} is both treated and a donor.");
                }
            }
        }
        return same;
    }

    /// <summary>The treated markets' average path over the first <paramref name="length"/> periods, un-lifted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void TreatedMean(ReadOnlySpan<int> treated, int length)
    {
        var mean = _treatedMean.AsSpan(0, length);
        mean.Clear();
        foreach (int j in treated)
        {
            VectorMath.AddScaled(mean, _data.Row(j)[..length], 1.0 / treated.Length);
        }
    }

    /// <summary>
    /// c_i = Σ_t X̃_it x̃1_t = mean over treated j of G_ij for every market (the treated average is a pseudo-unit of the
    /// de-meaned Gram), into <paramref name="linear"/>; returns ‖x̃1‖² = mean over treated pairs of G_jk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private double LoadLinear(GeoPrefixMoments prefix, ReadOnlySpan<int> treated, double[] linear)
    {
        int n = _data.N;
        Array.Clear(linear);
        foreach (int j in treated)
        {
            VectorMath.AddScaled(linear, prefix.Gram.AsSpan(j * n, n), 1.0 / treated.Length);
        }
        double square = 0;
        foreach (int j in treated)
        {
            square += linear[j];
        }
        return square / treated.Length;
    }

    /// <summary>
    /// ‖x̃1 − X̃'ω‖ / ‖x̃1 − X̃'1/N0‖ on the pre-window periods de-meaned (augsynth's scaled L2 imbalance with fixedeff), from
    /// the Gram: ‖x̃1 − X̃'w‖² = ‖x̃1‖² − 2c'w + w'Gw; the donor block sum of G is the row sums less the non-donor columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private double ScaledImbalance(GeoPrefixMoments pre, double treatedSquare, int donorCount)
    {
        int n = _data.N;
        var allowed = _solver.Allowed;
        double fitCross = 0, fitQuadratic = 0, equalCross = 0, equalQuadratic = 0;
        for (int i = 0; i < n; i++)
        {
            if (!allowed[i])
            {
                continue;
            }
            var gram = pre.Gram.AsSpan(i * n, n);
            double w = _preWeights[i], block = pre.RowSums[i];
            for (int j = 0; j < n; j++)
            {
                block -= allowed[j] ? 0 : gram[j];
            }
            equalCross += _c0[i];
            equalQuadratic += block;
            if (w != 0)
            {
                fitCross += w * _c0[i];
                for (int j = 0; j < n; j++)
                {
                    fitQuadratic += w * _preWeights[j] * gram[j];
                }
            }
        }
        double fit = Math.Max(0, treatedSquare - 2 * fitCross + fitQuadratic);
        double equal = treatedSquare - 2 * equalCross / donorCount + equalQuadratic / ((double)donorCount * donorCount);
        return equal > 0 ? Math.Sqrt(fit / equal) : double.NaN;
    }

    /// <summary>u_t = z̃_t − Σ ω_i X̃_it over all L periods, z the treated average lifted by (1+e) in the window, both de-meaned over L.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private void RefitResiduals(GeoPrefixMoments all, int length, int t0, double e)
    {
        var u = _residuals.AsSpan(0, length);
        double mean = 0;
        for (int t = 0; t < length; t++)
        {
            u[t] = t < t0 ? _treatedMean[t] : (1 + e) * _treatedMean[t];
            mean += u[t];
        }
        mean /= length;
        var weights = _solver.Weights;
        for (int i = 0; i < _data.N; i++)
        {
            double w = weights[i];
            if (w != 0)
            {
                VectorMath.AddScaled(u, _centred.AsSpan(i * _data.T, length), -w);
                mean -= w * all.Means[i];
            }
        }
        for (int t = 0; t < length; t++)
        {
            u[t] -= mean;
        }
    }

    private GeoPrefixMoments Prefix(int length)
    {
        if (!_prefixes.TryGetValue(length, out var prefix))
        {
            prefix = new GeoPrefixMoments(_centred, _data.N, _data.T, length);
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
}
