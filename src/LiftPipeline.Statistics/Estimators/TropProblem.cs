namespace LiftPipeline.Statistics.Estimators;

/// <summary>TROP's three tuning parameters in absolute units (λ_nn = ∞: no low-rank term).</summary>
internal readonly record struct TropLambdas(double Time, double Unit, double Nuclear);

/// <summary>
/// One TROP problem: outcomes Y (row-major n×T, shared, never copied) with a treated block — rows
/// [<see cref="FirstTreated"/>, <see cref="FirstTreated"/> + <see cref="TreatedRows"/>) in periods from <see cref="T0"/> —
/// and every other cell untreated, so no mask is stored. Fits the per-cell weighted model of Athey, Imbens, Qu and
/// Viviano (2025), Algorithm 2: for target cell (i, t), weights ω_j·θ_s on untreated cells with θ_s = exp(−λ_time·|t − s|)
/// and ω_j = exp(−λ_unit·dist(j, i)), dist the RMS gap of Y_j and Y_i over periods where both are untreated; then
/// τ_it = Y_it − (α_i + β_t + L_it). Memory per fit is O(n·T). Not thread-safe (caches distances).
/// </summary>
internal sealed class TropProblem
{
    private readonly double[] _y;
    private readonly Dictionary<int, double[]> _distances = [];
    private double[]? _weights;

    public TropProblem(double[] y, int n, int t, int firstTreated, int treatedRows, int t0, double tolerance, int maxIterations)
    {
        _y = y;
        N = n;
        T = t;
        FirstTreated = firstTreated;
        TreatedRows = treatedRows;
        T0 = t0;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    public int N { get; }

    public int T { get; }

    /// <summary>The first treated row.</summary>
    public int FirstTreated { get; }

    /// <summary>How many consecutive rows are treated.</summary>
    public int TreatedRows { get; }

    /// <summary>The first treated period; treated rows are untreated before it.</summary>
    public int T0 { get; }

    public double Tolerance { get; }

    public int MaxIterations { get; }

    public double Y(int i, int t) => _y[i * T + t];

    /// <summary>True when cell (i, s) is untreated.</summary>
    public bool Untreated(int i, int s) => s < T0 || i < FirstTreated || i >= FirstTreated + TreatedRows;

    /// <summary>The untreated indicator, row-major n×T (for tests and diagnostics).</summary>
    public double[] UntreatedMask()
    {
        var mask = new double[N * T];
        for (int i = 0; i < N; i++)
        {
            for (int s = 0; s < T; s++)
            {
                mask[i * T + s] = Untreated(i, s) ? 1 : 0;
            }
        }
        return mask;
    }

    /// <summary>The weighted fit for target cell (i, t), warm-started from <paramref name="start"/>.</summary>
    public TwoWayLowRankFit Fit(int i, int t, TropLambdas lambdas, TwoWayLowRankFit? start, TwoWayLowRankFit.Scratch? scratch = null)
    {
        var distance = Distances(i);
        var theta = new double[T];
        for (int s = 0; s < T; s++)
        {
            // Time weight exp(−λ_time·|t − s|).
            theta[s] = Math.Exp(-lambdas.Time * Math.Abs(t - s));
        }
        // Solve copies the weights (normalised) before returning, so one buffer serves every fit.
        var weights = _weights ??= new double[N * T];
        Array.Clear(weights);
        for (int j = 0; j < N; j++)
        {
            // Unit weight exp(−λ_unit·dist(j, i)); λ_unit = 0 weighs every unit equally even without a common period.
            double omega = lambdas.Unit == 0 ? 1 : Math.Exp(-lambdas.Unit * distance[j]);
            int end = j >= FirstTreated && j < FirstTreated + TreatedRows ? T0 : T;
            var row = weights.AsSpan(j * T, end);
            for (int s = 0; s < end; s++)
            {
                row[s] = omega * theta[s];
            }
        }
        return TwoWayLowRankFit.Solve(_y, weights, N, T, lambdas.Nuclear, start, Tolerance, MaxIterations, scratch);
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
                if (Untreated(i, u) && Untreated(j, u))
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
    /// fitting once for all cells whose weights cannot differ (λ_time = 0: one fit for all periods of a unit; λ_unit = 0:
    /// one fit per period for all units) and warm-starting each fit from the previous one, the first from
    /// <paramref name="start"/> (in <paramref name="scratch"/> when the start holds none). One fit is alive at a time;
    /// the last is returned (a start for the next call).
    /// </summary>
    public TwoWayLowRankFit? FitCells(IReadOnlyList<(int Unit, int Period)> cells, TropLambdas lambdas, Action<int, double, TwoWayLowRankFit> report,
        TwoWayLowRankFit? start = null, TwoWayLowRankFit.Scratch? scratch = null)
    {
        var done = new bool[cells.Count];
        var previous = start;
        for (int c = 0; c < cells.Count; c++)
        {
            if (done[c])
            {
                continue;
            }
            var (i, t) = cells[c];
            var fit = Fit(i, t, lambdas, previous, scratch);
            previous = fit;
            var key = Key(cells[c], lambdas);
            for (int d = c; d < cells.Count; d++)
            {
                if (!done[d] && Key(cells[d], lambdas) == key)
                {
                    done[d] = true;
                    var (unit, period) = cells[d];
                    report(d, Y(unit, period) - fit.Fitted(unit, period), fit);
                }
            }
        }
        return previous;
    }

    /// <summary>Cells with the same key have the same weights: the unit matters only when λ_unit ≠ 0, the period only when λ_time ≠ 0.</summary>
    private static (int, int) Key((int Unit, int Period) cell, TropLambdas lambdas) =>
        (lambdas.Unit == 0 ? -1 : cell.Unit, lambdas.Time == 0 ? -1 : cell.Period);
}
