using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// GeoLift's MultiCellWinner for one multi-cell design: each cell's markets lifted over the last <c>duration</c>
/// periods of the history, measured against the markets of no cell (or the design's controls of no cell) with the design's estimator, and the (1 − alpha)
/// conformal interval of its incremental conversions (ATT × markets × periods, the quantity GeoLift compares) found by
/// test inversion (<see cref="ConformalInference"/>, the post-test machinery). Intervals are cached per (cell, lift).
/// One instance per thread.
/// </summary>
internal sealed class CellWinner
{
    /// <summary>Multiples tried: 1, 1.05, …, 5.</summary>
    public const int Steps = 80;

    private const double Step = 0.05;

    private readonly GeoDesignPanel _data;
    private readonly int[][] _cells;
    private readonly int[] _donors;
    private readonly GeoWindow _window;
    private readonly IPanelEstimator _estimator;
    private readonly ConformalInference _conformal;
    private readonly Dictionary<(int Cell, double Lift), (double Low, double High)> _intervals = [];

    /// <summary>The comparison of <paramref name="cells"/> (panel rows) against <paramref name="donors"/> (panel rows in no cell).</summary>
    /// <exception cref="GeoDesignOptionException">No donor: every market is in a cell.</exception>
    public CellWinner(GeoDesignPanel data, int[][] cells, int[] donors, int duration, GeoDesignOptions options)
    {
        _donors = donors;
        if (_donors.Length == 0)
        {
            throw new GeoDesignOptionException("The cells' {Locations} (less any {Controls}) leave no market as a control to compare the cells against; leave at least one market out of every cell.");
        }
        _data = data;
        _cells = cells;
        _window = new GeoWindow(data.T, duration);
        _estimator = PanelEstimators.Create(options.Estimator, new PanelEstimatorSettings { Seed = options.Seed });
        _conformal = new ConformalInference(options.Permutation, new VarianceOptions
        {
            Replications = options.Permutations,
            Seed = options.Seed,
            Level = 1 - options.Alpha,
            MaxDegreeOfParallelism = 1,
        });
    }

    /// <summary>
    /// The smallest multiple m on 1, 1.05, …, 5 at which cell <paramref name="a"/>, lifted by m × <paramref name="baseLift"/>,
    /// is declared better than cell <paramref name="b"/> lifted by <paramref name="baseLift"/>: A's interval lies wholly
    /// beyond B's in the lift's direction. Null when not even m = 5 separates them. Bisects the grid, which assumes
    /// separation, once reached, persists for larger m (A's interval moves away from B's as m grows).
    /// </summary>
    public double? WinningMultiple(int a, int b, double baseLift, CancellationToken cancellationToken)
    {
        var cellB = Interval(b, baseLift, cancellationToken);
        bool Wins(int step)
        {
            var cellA = Interval(a, baseLift * Multiple(step), cancellationToken);
            return baseLift > 0 ? cellA.Low > cellB.High : cellA.High < cellB.Low;
        }
        if (!Wins(Steps))
        {
            return null;
        }
        int losing = -1, winning = Steps;
        while (winning - losing > 1)
        {
            int mid = (losing + winning) / 2;
            if (Wins(mid))
            {
                winning = mid;
            }
            else
            {
                losing = mid;
            }
        }
        return Multiple(winning);
    }

    /// <summary>The multiple at grid step <paramref name="step"/>: 1 + 0.05 step, to 2 decimals.</summary>
    public static double Multiple(int step) => Math.Round(1 + Step * step, 2);

    /// <summary>The (1 − alpha) conformal interval of the incremental conversions of <paramref name="cell"/> lifted by <paramref name="lift"/>.</summary>
    /// <exception cref="MeasurementNotPossibleException">The estimator cannot run on this design.</exception>
    public (double Low, double High) Interval(int cell, double lift, CancellationToken cancellationToken)
    {
        if (_intervals.TryGetValue((cell, lift), out var cached))
        {
            return cached;
        }
        var panel = EstimatorSimulator.Lifted(EstimatorSimulator.WindowPanel(_data, _cells[cell], _donors, _window), lift);
        try
        {
            var estimate = _estimator.Estimate(panel);
            var uncertainty = _conformal.Estimate(estimate, cancellationToken);
            double cells = (double)panel.N1 * panel.T1;
            var interval = (uncertainty.CiLow * cells, uncertainty.CiHigh * cells);
            _intervals.Add((cell, lift), interval);
            return interval;
        }
        catch (MeasurementNotPossibleException e)
        {
            throw new MeasurementNotPossibleException(
                $"The {_estimator.Name} estimator cannot compare cells here ({panel.N1} test markets, {panel.N0} controls, " +
                $"{panel.T0} pre periods, {panel.T1} test periods): {e.Message}", e);
        }
    }
}
