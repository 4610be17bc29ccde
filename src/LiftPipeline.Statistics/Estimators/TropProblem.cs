namespace LiftPipeline.Statistics.Estimators;

/// <summary>TROP's three tuning parameters in absolute units (λ_nn = ∞: no low-rank term).</summary>
internal readonly record struct TropLambdas(double Time, double Unit, double Nuclear);

/// <summary>
/// One TROP problem: outcomes Y (row-major n×T) and which cells are untreated. Fits the per-cell weighted model of
/// Athey, Imbens, Qu and Viviano (2025), Algorithm 2: for target cell (i, t), weights ω_j·θ_s on untreated cells with
/// θ_s = exp(−λ_time·|t − s|) and ω_j = exp(−λ_unit·dist(j, i)), dist the RMS gap of Y_j and Y_i over periods where
/// both are untreated; then τ_it = Y_it − (α_i + β_t + L_it). Not thread-safe (caches distances).
/// </summary>
internal sealed class TropProblem
{
    private readonly double[] _y;
    private readonly double[] _untreated;
    private readonly Dictionary<int, double[]> _distances = [];

    public TropProblem(double[] y, double[] untreated, int n, int t, double tolerance, int maxIterations)
    {
        _y = y;
        _untreated = untreated;
        N = n;
        T = t;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    public int N { get; }

    public int T { get; }

    public double Tolerance { get; }

    public int MaxIterations { get; }

    public double Y(int i, int t) => _y[i * T + t];

    /// <summary>The weighted fit for target cell (i, t), warm-started from <paramref name="start"/>.</summary>
    public TwoWayLowRankFit Fit(int i, int t, TropLambdas lambdas, TwoWayLowRankFit? start)
    {
        var distance = Distances(i);
        var weights = new double[N * T];
        for (int j = 0; j < N; j++)
        {
            // Unit weight exp(−λ_unit·dist(j, i)); λ_unit = 0 weighs every unit equally even without a common period.
            double omega = lambdas.Unit == 0 ? 1 : Math.Exp(-lambdas.Unit * distance[j]);
            for (int s = 0, k = j * T; s < T; s++, k++)
            {
                // Time weight exp(−λ_time·|t − s|).
                weights[k] = _untreated[k] * omega * Math.Exp(-lambdas.Time * Math.Abs(t - s));
            }
        }
        return TwoWayLowRankFit.Solve(_y, weights, N, T, lambdas.Nuclear, start, Tolerance, MaxIterations);
    }

    /// <summary>dist(j, i) for every unit j: RMS of Y_iu − Y_ju over periods u where both are untreated (∞ if none).</summary>
    public double[] Distances(int i)
    {
        if (_distances.TryGetValue(i, out var cached))
        {
            return cached;
        }
        var distance = new double[N];
        for (int j = 0; j < N; j++)
        {
            double sum = 0;
            int count = 0;
            for (int u = 0; u < T; u++)
            {
                if (_untreated[i * T + u] > 0 && _untreated[j * T + u] > 0)
                {
                    double gap = _y[i * T + u] - _y[j * T + u];
                    sum += gap * gap;
                    count++;
                }
            }
            distance[j] = count > 0 ? Math.Sqrt(sum / count) : double.PositiveInfinity;
        }
        _distances[i] = distance;
        return distance;
    }

    /// <summary>
    /// Fits every target cell (treated unit i, period t) in <paramref name="cells"/> and reports τ_it and the fit,
    /// reusing a fit where the weights cannot differ (λ_time = 0: one fit for all periods of a unit; λ_unit = 0: one fit
    /// per period for all units) and warm-starting the rest from the previous fit.
    /// </summary>
    public void FitCells(IReadOnlyList<(int Unit, int Period)> cells, TropLambdas lambdas, Action<int, double, TwoWayLowRankFit> report)
    {
        var cache = new Dictionary<(int, int), TwoWayLowRankFit>();
        TwoWayLowRankFit? previous = null;
        for (int c = 0; c < cells.Count; c++)
        {
            var (i, t) = cells[c];
            var key = (lambdas.Unit == 0 ? -1 : i, lambdas.Time == 0 ? -1 : t);
            if (!cache.TryGetValue(key, out var fit))
            {
                fit = Fit(i, t, lambdas, previous);
                cache[key] = fit;
                previous = fit;
            }
            report(c, Y(i, t) - fit.Fitted(i, t), fit);
        }
    }
}
