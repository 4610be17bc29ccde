using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// The three placebo mean squares of Almeida, Olaizola, Lestant, Imbens and Athey (2025), "Estimating Variances for
/// Causal Panel Data Estimators": re-estimates on cells known to be untreated, each exchangeable with the real
/// treated cells along one dimension. Placebo effects are zero by construction, so squares are averaged, not centred.
/// <list type="bullet">
/// <item>Unit placebo: N1 controls drawn as pseudo-treated, the real post periods (exchangeability across units).</item>
/// <item>Time placebo: the real treated units, a window of T1 consecutive pre periods as pseudo-post and the other
/// pre periods as pre (exchangeability across time).</item>
/// <item>Unit × time placebo: both at once, on controls and pre periods only.</item>
/// </list>
/// </summary>
internal static class PlaceboComponents
{
    /// <summary>Mean of τ̂² over <paramref name="replications"/> random pseudo-treated sets of controls.</summary>
    public static double UnitPlacebo(IPanelEstimator estimator, BlockPanel data, int replications, int seed, ParallelOptions parallel) =>
        MeanSquare(UnitPlaceboEstimates(estimator, data, replications, seed, parallel));

    /// <summary>Mean of τ̂² over the T0 − T1 + 1 pre-period windows, on the real treated units.</summary>
    public static double TimePlacebo(IPanelEstimator estimator, BlockPanel data, ParallelOptions parallel) =>
        MeanSquare(TimePlaceboEstimates(estimator, data, parallel));

    /// <summary>Mean of τ̂² over random pseudo-treated control sets, each in a pre-period window (cycled).</summary>
    public static double UnitTimePlacebo(IPanelEstimator estimator, BlockPanel data, int replications, int seed, ParallelOptions parallel) =>
        MeanSquare(UnitTimePlaceboEstimates(estimator, data, replications, seed, parallel));

    /// <summary>The placebo τ̂ of <paramref name="replications"/> random pseudo-treated sets of controls.</summary>
    public static double[] UnitPlaceboEstimates(IPanelEstimator estimator, BlockPanel data, int replications, int seed, ParallelOptions parallel)
    {
        RequireUnitPlacebo(data);
        var controls = PanelSlices.Range(0, data.T);
        return Estimates(replications, parallel, r =>
        {
            var rows = PlaceboRows(data, seed, r);
            return estimator.Estimate(PanelSlices.Select(data, rows, data.N0 - data.N1, controls, data.T0)).Att;
        });
    }

    /// <summary>The placebo τ̂ of the real treated units in each of the T0 − T1 + 1 pre-period windows.</summary>
    public static double[] TimePlaceboEstimates(IPanelEstimator estimator, BlockPanel data, ParallelOptions parallel)
    {
        RequireTimePlacebo(data);
        var rows = PanelSlices.Range(0, data.N);
        return Estimates(Windows(data), parallel, w =>
            estimator.Estimate(PanelSlices.Select(data, rows, data.N0, WindowColumns(data, w), data.T0 - data.T1)).Att);
    }

    /// <summary>The placebo τ̂ of random pseudo-treated control sets, each in a pre-period window (cycled).</summary>
    public static double[] UnitTimePlaceboEstimates(IPanelEstimator estimator, BlockPanel data, int replications, int seed, ParallelOptions parallel)
    {
        RequireUnitPlacebo(data);
        RequireTimePlacebo(data);
        int windows = Windows(data);
        return Estimates(replications, parallel, r =>
        {
            var rows = PlaceboRows(data, seed, r);
            return estimator.Estimate(PanelSlices.Select(data, rows, data.N0 - data.N1, WindowColumns(data, r % windows), data.T0 - data.T1)).Att;
        });
    }

    /// <summary>Number of pre-period windows of length T1.</summary>
    public static int Windows(BlockPanel data) => data.T0 - data.T1 + 1;

    /// <summary>Pre periods outside window w (in time order), then the window [w, w + T1).</summary>
    private static int[] WindowColumns(BlockPanel data, int w)
    {
        var columns = new int[data.T0];
        int k = 0;
        for (int t = 0; t < data.T0; t++)
        {
            if (t < w || t >= w + data.T1)
            {
                columns[k++] = t;
            }
        }
        for (int t = w; t < w + data.T1; t++)
        {
            columns[k++] = t;
        }
        return columns;
    }

    /// <summary>Control rows with N1 of them, drawn from (seed, r), moved to the end as pseudo-treated.</summary>
    private static int[] PlaceboRows(BlockPanel data, int seed, int r)
    {
        var random = new Random(unchecked(seed * 1_000_003 + r));
        var rows = PanelSlices.Range(0, data.N0);
        for (int k = 0; k < data.N1; k++)
        {
            int last = data.N0 - 1 - k;
            int pick = random.Next(last + 1);
            (rows[last], rows[pick]) = (rows[pick], rows[last]);
        }
        return rows;
    }

    /// <summary>Mean of τ̂²: placebo effects are zero by construction, so the squares are not centred.</summary>
    public static double MeanSquare(ReadOnlySpan<double> taus)
    {
        double sum = 0;
        foreach (double tau in taus)
        {
            sum += tau * tau;
        }
        return sum / taus.Length;
    }

    private static double[] Estimates(int count, ParallelOptions parallel, Func<int, double> estimate)
    {
        var taus = new double[count];
        Replications.For(count, parallel, r => taus[r] = estimate(r));
        return taus;
    }

    private static void RequireUnitPlacebo(BlockPanel data)
    {
        if (data.N0 <= data.N1)
        {
            throw new MeasurementNotPossibleException($"Unit placebos need more control than treated units (N0={data.N0}, N1={data.N1}).");
        }
    }

    private static void RequireTimePlacebo(BlockPanel data)
    {
        if (data.T0 <= data.T1)
        {
            throw new MeasurementNotPossibleException($"Time placebos need more pre than post periods (T0={data.T0}, T1={data.T1}).");
        }
    }
}
