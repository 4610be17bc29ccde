using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// Simulates geo tests with any registered panel estimator (SDID, SC, …): each simulation builds the block panel of
/// donors and treated markets over the window, lifts the treated cells, estimates, and tests no effect by the conformal
/// permutation test of a refit on all periods (<see cref="ConformalRefit"/>, the same generic refit the post-test
/// conformal inference runs). The un-lifted panel is built once per call; each effect size lifts a copy of it. A
/// self-tuning estimator (MC, TROP) is tuned once per window on the un-lifted panel and held at that tuning.
/// An estimator that cannot run on the design fails the whole design with one
/// <see cref="MeasurementNotPossibleException"/> naming the estimator, the design and why: every simulation of a
/// design shares its shape (donors, treated markets, window), so a failure is never confined to one of them.
/// One instance per thread (it caches the conformal test per window shape).
/// </summary>
internal sealed class EstimatorSimulator : IGeoSimulator
{
    private readonly GeoDesignPanel _data;
    private readonly GeoDesignOptions _options;
    private readonly IPanelEstimator _estimator;
    private readonly Dictionary<GeoWindow, GeoConformalTest> _tests = [];

    public EstimatorSimulator(GeoDesignPanel data, GeoDesignOptions options, IPanelEstimator estimator)
    {
        _data = data;
        _options = options;
        _estimator = estimator;
    }

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">The estimator cannot run on this design (for example too few pre periods).</exception>
    public double NullPValue(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window)
    {
        Span<GeoSimulation> result = stackalloc GeoSimulation[1];
        Simulate(treated, donors, window, [0.0], result);
        return result[0].PValue;
    }

    public void Simulate(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window, ReadOnlySpan<double> effects, Span<GeoSimulation> results)
    {
        var baseline = WindowPanel(_data, treated, donors, window);
        double windowOutcome = TreatedPostTotal(baseline);
        var test = Test(window);
        var estimator = Guarded(() => Tuned(baseline), baseline);
        for (int k = 0; k < effects.Length; k++)
        {
            double e = effects[k];
            var lifted = Lifted(baseline, e);
            var (estimate, u) = Guarded(() => (estimator.Estimate(lifted), ConformalRefit.Residuals(estimator, lifted)), lifted);
            results[k] = new GeoSimulation(
                test.PValue(u, e), estimate.Att, estimate.Lift, _options.Cpic * windowOutcome * e, estimate.Fit.ScaledL2Imbalance);
        }
    }

    /// <summary>The block panel of the window's first Length periods: donors as controls, then the treated markets; the last Duration periods are post.</summary>
    internal static BlockPanel WindowPanel(GeoDesignPanel data, ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window)
    {
        int length = window.Length, n = donors.Length + treated.Length;
        var y = new double[n * length];
        var units = new string[n];
        for (int k = 0; k < n; k++)
        {
            int market = k < donors.Length ? donors[k] : treated[k - donors.Length];
            data.Row(market)[..length].CopyTo(y.AsSpan(k * length, length));
            units[k] = data.Units[market];
        }
        var periods = new Period[length];
        for (int t = 0; t < length; t++)
        {
            periods[t] = data.Periods[t];
        }
        return new BlockPanel(y, donors.Length, treated.Length, window.T0, window.Duration, units, periods);
    }

    /// <summary>A copy of <paramref name="data"/> with every treated post cell multiplied by 1 + <paramref name="effect"/>.</summary>
    internal static BlockPanel Lifted(BlockPanel data, double effect)
    {
        if (effect == 0)
        {
            return data;
        }
        var y = data.Values.ToArray();
        int T = data.T;
        for (int i = data.N0; i < data.N; i++)
        {
            var post = y.AsSpan(i * T + data.T0, data.T1);
            for (int t = 0; t < post.Length; t++)
            {
                post[t] *= 1 + effect;
            }
        }
        return new BlockPanel(y, data.N0, data.N1, data.T0, data.T1, data.Units, data.Periods);
    }

    /// <summary>Σ over treated markets and post periods of the un-lifted outcome (investment = cpic × this × e).</summary>
    private static double TreatedPostTotal(BlockPanel data)
    {
        double sum = 0;
        for (int i = data.N0; i < data.N; i++)
        {
            foreach (double v in data.Row(i)[data.T0..])
            {
                sum += v;
            }
        }
        return sum;
    }

    /// <summary>
    /// The estimator every effect size of a window runs: a self-tuning one (MC, TROP) tuned once on the window's un-lifted
    /// panel and held at that tuning for the estimates and the all-period refits, as the post-test conformal inference
    /// holds it; any other as it is. Its tuning reads no treated test cell, so lifting them would not move it.
    /// </summary>
    private IPanelEstimator Tuned(BlockPanel baseline) =>
        _estimator is ITunedEstimator ? _estimator.Estimate(baseline).Replicator : _estimator;

    /// <summary>Runs <paramref name="step"/>, turning the estimator's refusal into one message naming it and the design.</summary>
    private T Guarded<T>(Func<T> step, BlockPanel design)
    {
        try
        {
            return step();
        }
        catch (MeasurementNotPossibleException e)
        {
            throw new MeasurementNotPossibleException(
                $"The {_estimator.Name} estimator cannot simulate this design ({design.N1} test markets, {design.N0} donors, " +
                $"{design.T0} pre periods, {design.T1} test periods): {e.Message}", e);
        }
    }

    private GeoConformalTest Test(GeoWindow window)
    {
        if (!_tests.TryGetValue(window, out var test))
        {
            test = new GeoConformalTest(window.Length, window.Duration, _options.Permutation, _options.Permutations, _options.Seed, _options.Side);
            _tests.Add(window, test);
        }
        return test;
    }
}
