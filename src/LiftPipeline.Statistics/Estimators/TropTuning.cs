using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// TROP's choice of (λ_time, λ_unit, λ_nn) by pseudo-treating control cells (Athey, Imbens, Qu, Viviano 2025, Algorithm 1):
/// on the control units alone, each pseudo-treated control unit j is treated as if it were treated in the last T1 periods,
/// TROP estimates its pseudo-effects τ̂_js (true effect zero), and the criterion Q(λ) = Σ_j Σ_s τ̂_js² is minimised.
/// The pseudo-treated units are every control when N0 ≤ <see cref="TriplyRobustPanelOptions.MaxPseudoTreatedUnits"/>,
/// else that many drawn without replacement with <see cref="TriplyRobustPanelOptions.Seed"/>. All of them share one
/// copy of the control outcomes (memory O(N0·T)). The search is coordinate-wise (one parameter over its grid with the
/// others held, cycling) starting from (0, 0, ∞) = DiD, with every evaluated combination remembered.
/// </summary>
internal sealed class TropTuning
{
    private readonly TriplyRobustPanelOptions _options;
    private readonly TropProblem[] _pseudo;
    private readonly (int Unit, int Period)[][] _cells;
    private readonly Dictionary<TropLambdas, double> _criterion = [];
    private readonly IProgress<EstimateProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private long _fitted;
    private long _total;

    public TropTuning(BlockPanel data, TriplyRobustPanelOptions options, IProgress<EstimateProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (data.N0 < 2)
        {
            throw new MeasurementNotPossibleException("TROP tuning pseudo-treats control units and needs at least two; fix all three λ instead.");
        }
        _options = options;
        _progress = progress;
        _cancellationToken = cancellationToken;
        var y = data.Values[..(data.N0 * data.T)].ToArray();
        var units = PseudoTreatedUnits(data.N0, options.MaxPseudoTreatedUnits, options.Seed);
        _pseudo = new TropProblem[units.Length];
        _cells = new (int, int)[units.Length][];
        for (int p = 0; p < units.Length; p++)
        {
            int j = units[p];
            _cells[p] = new (int, int)[data.T1];
            for (int s = data.T0; s < data.T; s++)
            {
                _cells[p][s - data.T0] = (j, s);
            }
            _pseudo[p] = new TropProblem(y, data.N0, data.T, j, 1, data.T0, options.TuningTolerance, options.TuningMaxIterations);
        }
    }

    /// <summary>The pseudo-treated control units, ascending.</summary>
    public IEnumerable<int> Units => _cells.Select(c => c[0].Unit);

    /// <summary>Every control when <paramref name="n0"/> ≤ <paramref name="cap"/>, else <paramref name="cap"/> drawn without replacement (partial Fisher–Yates), ascending.</summary>
    internal static int[] PseudoTreatedUnits(int n0, int cap, int seed)
    {
        var units = new int[n0];
        for (int j = 0; j < n0; j++)
        {
            units[j] = j;
        }
        if (n0 <= cap)
        {
            return units;
        }
        var random = new Random(seed);
        for (int k = 0; k < cap; k++)
        {
            int pick = random.Next(k, n0);
            (units[k], units[pick]) = (units[pick], units[k]);
        }
        var chosen = units[..cap];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>Q(λ) = Σ_j Σ_s τ̂_js² over pseudo-treated control cells.</summary>
    public double Criterion(TropLambdas lambdas)
    {
        if (_criterion.TryGetValue(lambdas, out double q))
        {
            return q;
        }
        // Pseudo-treated units are independent problems: fit them in parallel, sum in a fixed order.
        var sums = new double[_pseudo.Length];
        var parallel = new ParallelOptions { CancellationToken = _cancellationToken };
        Parallel.For(0, _pseudo.Length, parallel, j =>
        {
            _pseudo[j].FitCells(_cells[j], lambdas, (_, tau, _) => sums[j] += tau * tau);
            long fitted = Interlocked.Increment(ref _fitted);
            _progress?.Report(new EstimateProgress("tuning", fitted, _total));
        });
        double sum = 0;
        foreach (double x in sums)
        {
            sum += x;
        }
        _criterion[lambdas] = sum;
        return sum;
    }

    /// <summary>Coordinate-wise search from (0, 0, ∞); a parameter fixed in the options is never moved.</summary>
    public TropLambdas Choose(double unitScale, double nuclearScale)
    {
        var times = Candidates(_options.LambdaTime, _options.TimeGrid, 1);
        var units = Candidates(_options.LambdaUnit, _options.UnitGrid, 1 / unitScale);
        var nuclears = Candidates(_options.LambdaNuclear, _options.NuclearGrid, nuclearScale);
        var best = new TropLambdas(times.Contains(0) ? 0 : times[0], units.Contains(0) ? 0 : units[0],
            nuclears.Contains(double.PositiveInfinity) ? double.PositiveInfinity : nuclears[0]);
        // At most one start plus every grid value per cycle is evaluated: the progress total, reached early if the search stops.
        _total = (long)_pseudo.Length * (1 + _options.Cycles * (times.Length + units.Length + nuclears.Length));
        for (int cycle = 0; cycle < _options.Cycles; cycle++)
        {
            var before = best;
            best = Best(times, best, (l, x) => l with { Time = x });
            best = Best(units, best, (l, x) => l with { Unit = x });
            best = Best(nuclears, best, (l, x) => l with { Nuclear = x });
            if (best == before)
            {
                break;
            }
        }
        _progress?.Report(new EstimateProgress("tuning", _total, _total));
        return best;
    }

    private TropLambdas Best(double[] candidates, TropLambdas current, Func<TropLambdas, double, TropLambdas> set)
    {
        var best = current;
        double bestQ = Criterion(current);
        foreach (double x in candidates)
        {
            var trial = set(current, x);
            double q = Criterion(trial);
            if (q < bestQ)
            {
                best = trial;
                bestQ = q;
            }
        }
        return best;
    }

    private static double[] Candidates(double? fixedValue, IReadOnlyList<double> grid, double scale)
    {
        if (fixedValue is double x)
        {
            return [x];
        }
        var values = new double[grid.Count];
        for (int g = 0; g < values.Length; g++)
        {
            values[g] = grid[g] * scale;
        }
        return values;
    }
}

