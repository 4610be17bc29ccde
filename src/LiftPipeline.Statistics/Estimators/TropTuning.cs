using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// TROP's choice of (λ_time, λ_unit, λ_nn) by pseudo-treating control cells (Athey, Imbens, Qu, Viviano 2025, Algorithm 1):
/// on the control units alone, each pseudo-treated control unit j is treated as if it were treated in the last T1 periods,
/// TROP estimates its pseudo-effects τ̂_js (true effect zero), and the criterion Q(λ) = Σ_j Σ_s τ̂_js² is minimised.
/// The pseudo-treated units are every control when N0 ≤ <see cref="TriplyRobustPanelOptions.MaxPseudoTreatedUnits"/>,
/// else that many drawn without replacement with <see cref="TriplyRobustPanelOptions.Seed"/>. All of them share one
/// copy of the control outcomes (memory O(N0·T)). Each keeps every post period unless that would exceed
/// <see cref="TriplyRobustPanelOptions.TuningCellBudget"/>; then each keeps the same number of them, drawn with the
/// seed. The search is coordinate-wise (one parameter over its grid with the others held, cycling) starting from
/// (0, 0, ∞) = DiD, with every evaluated combination remembered and losing candidates pruned part way (see
/// <see cref="Criterion"/>); each unit's fits warm-start from its last fit under the last fully evaluated candidate
/// (one N0×T fit kept per pseudo-treated unit, without its scratch).
/// </summary>
internal sealed class TropTuning
{
    private readonly TriplyRobustPanelOptions _options;
    private readonly TropProblem[] _pseudo;
    private readonly (int Unit, int Period)[][] _cells;
    private readonly TwoWayLowRankFit?[] _lastFits;

    /// <summary>N0×T scratch not in use: one per thread at most is ever allocated, not one per unit and candidate.</summary>
    private readonly System.Collections.Concurrent.ConcurrentBag<TwoWayLowRankFit.Scratch> _scratch = [];
    private readonly Dictionary<TropLambdas, (double Value, bool Exact)> _criterion = [];
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
        int periods = PeriodsPerUnit(data.N0, data.T, data.T1, units.Length, options.TuningCellBudget);
        var random = new Random(options.Seed);
        _pseudo = new TropProblem[units.Length];
        _cells = new (int, int)[units.Length][];
        _lastFits = new TwoWayLowRankFit?[units.Length];
        for (int p = 0; p < units.Length; p++)
        {
            int j = units[p];
            var chosen = Draw(data.T1, periods, random);
            _cells[p] = new (int, int)[chosen.Length];
            for (int c = 0; c < chosen.Length; c++)
            {
                _cells[p][c] = (j, data.T0 + chosen[c]);
            }
            _pseudo[p] = new TropProblem(y, data.N0, data.T, j, 1, data.T0, options.TuningTolerance, options.TuningMaxIterations);
        }
    }

    /// <summary>The pseudo-treated control units, ascending.</summary>
    public IEnumerable<int> Units => _cells.Select(c => c[0].Unit);

    /// <summary>The pseudo-treated cells (unit, period), unit by unit, periods ascending.</summary>
    public IEnumerable<(int Unit, int Period)> Cells => _cells.SelectMany(c => c);

    /// <summary>
    /// Post periods kept per pseudo-treated unit: all <paramref name="t1"/> when units·T1·N0·T fits in
    /// <paramref name="budget"/>, else ⌊budget / (N0·T·units)⌋, at least one.
    /// </summary>
    internal static int PeriodsPerUnit(int n0, int t, int t1, int units, long budget)
    {
        long perCell = (long)n0 * t;
        long cells = Math.Max(budget / perCell, units);
        return (int)Math.Clamp(cells / units, 1, t1);
    }

    /// <summary>Every index below <paramref name="count"/> when <paramref name="keep"/> ≥ count, else <paramref name="keep"/> drawn without replacement, ascending.</summary>
    private static int[] Draw(int count, int keep, Random random)
    {
        var all = new int[count];
        for (int k = 0; k < count; k++)
        {
            all[k] = k;
        }
        if (keep >= count)
        {
            return all;
        }
        for (int k = 0; k < keep; k++)
        {
            int pick = random.Next(k, count);
            (all[k], all[pick]) = (all[pick], all[k]);
        }
        var chosen = all[..keep];
        Array.Sort(chosen);
        return chosen;
    }

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

    /// <summary>
    /// Q(λ) = Σ_j Σ_s τ̂_js² over pseudo-treated control cells — or, once the units fitted so far already sum past
    /// <paramref name="bound"/>, that partial sum (a value above the bound, and a lower bound of Q): the candidate cannot
    /// win, so its remaining units are skipped. Every term is non-negative and the search's best Q never rises, so a pruned
    /// candidate would lose at any later comparison too; its fits never become warm starts, so what later candidates
    /// compute does not depend on which units ran before the pruning.
    /// </summary>
    public double Criterion(TropLambdas lambdas, double bound = double.PositiveInfinity)
    {
        if (_criterion.TryGetValue(lambdas, out var known) && (known.Exact || known.Value > bound))
        {
            return known.Value;
        }
        // Pseudo-treated units are independent problems: fit them in parallel, sum in a fixed order.
        var sums = new double[_pseudo.Length];
        var fits = new TwoWayLowRankFit?[_pseudo.Length];
        var parallel = new ParallelOptions { CancellationToken = _cancellationToken };
        double partial = 0;
        var gate = new Lock();
        var loop = DesignProblems.Unwrapped(() => Parallel.For(0, _pseudo.Length, parallel, (j, state) =>
        {
            if (state.IsStopped)
            {
                return;
            }
            // Each unit's first fit starts from its last fit under the previous complete candidate: the search moves one λ at a time.
            double sum = 0;
            _scratch.TryTake(out var scratch);
            var last = _pseudo[j].FitCells(_cells[j], lambdas, (_, tau, _) => sum += tau * tau, _lastFits[j], scratch);
            if (last?.DetachScratch() is { } free)
            {
                _scratch.Add(free);
            }
            fits[j] = last;
            sums[j] = sum;
            long fitted = Interlocked.Increment(ref _fitted);
            _progress?.Report(new EstimateProgress("tuning", fitted, _total));
            lock (gate)
            {
                partial += sum;
                if (partial > bound)
                {
                    state.Stop();
                }
            }
        }));
        if (!loop.IsCompleted)
        {
            _criterion[lambdas] = (partial, false);
            return partial;
        }
        double total = 0;
        foreach (double x in sums)
        {
            total += x;
        }
        fits.CopyTo(_lastFits, 0);
        _criterion[lambdas] = (total, true);
        return total;
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
            double q = Criterion(trial, bestQ);
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

