using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// TROP's choice of (λ_time, λ_unit, λ_nn) by pseudo-treating control cells (Athey, Imbens, Qu, Viviano 2025, Algorithm 1):
/// on the control units alone, each control unit j in turn is treated as if it were treated in the last T1 periods,
/// TROP estimates its pseudo-effects τ̂_js (true effect zero), and the criterion Q(λ) = Σ_j Σ_s τ̂_js² is minimised.
/// The search is coordinate-wise (one parameter over its grid with the others held, cycling) starting from
/// (0, 0, ∞) = DiD, with every evaluated combination remembered.
/// </summary>
internal sealed class TropTuning
{
    private readonly BlockPanel _data;
    private readonly TriplyRobustPanelOptions _options;
    private readonly TropProblem[] _pseudo;
    private readonly (int Unit, int Period)[][] _cells;
    private readonly Dictionary<TropLambdas, double> _criterion = [];

    public TropTuning(BlockPanel data, TriplyRobustPanelOptions options)
    {
        if (data.N0 < 2)
        {
            throw new MeasurementNotPossibleException("TROP tuning pseudo-treats control units and needs at least two; fix all three λ instead.");
        }
        _data = data;
        _options = options;
        var y = new double[data.N0 * data.T];
        data.Values[..y.Length].CopyTo(y);
        _pseudo = new TropProblem[data.N0];
        _cells = new (int, int)[data.N0][];
        for (int j = 0; j < data.N0; j++)
        {
            var untreated = new double[y.Length];
            Array.Fill(untreated, 1.0);
            _cells[j] = new (int, int)[data.T1];
            for (int s = data.T0; s < data.T; s++)
            {
                untreated[j * data.T + s] = 0;
                _cells[j][s - data.T0] = (j, s);
            }
            _pseudo[j] = new TropProblem(y, untreated, data.N0, data.T, options.TuningTolerance, options.TuningMaxIterations);
        }
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
        Parallel.For(0, _pseudo.Length, j => _pseudo[j].FitCells(_cells[j], lambdas, (_, tau, _) => sums[j] += tau * tau));
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
