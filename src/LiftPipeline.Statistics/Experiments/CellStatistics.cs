namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// The sufficient statistics of one cell of an experiment, or of a union of cells (a marginal): customers, exposure
/// counts, Σspend, and the moments every contrast needs — per outcome (difference in means), per (outcome, covariate)
/// (CUPED) and per (numerator, denominator) outcome pair (ratio metrics by the delta method), each about the cell's
/// shift for the metric (<see cref="SampleMoments"/>). Immutable.
/// </summary>
public sealed partial class CellStatistics
{
    private readonly StatisticsLayout _layout;
    private readonly double[] _sums;
    private readonly double[] _shifts;
    private readonly long[] _counts;

    internal CellStatistics(ExperimentCell key, StatisticsLayout layout, double[] sums, double[] shifts, long[] counts)
    {
        Key = key;
        _layout = layout;
        _sums = sums;
        _shifts = shifts;
        _counts = counts;
    }

    /// <summary>The cell (null levels: absent or summed over).</summary>
    public ExperimentCell Key { get; }

    /// <summary>Customers.</summary>
    public long N => _counts[StatisticsLayout.CountN];

    /// <summary>Customers flagged exposed.</summary>
    public long Exposed => _counts[StatisticsLayout.CountExposed];

    /// <summary>Customers with an exposure value (all of them when the export has an <c>exposed</c> column, else 0).</summary>
    public long WithExposure => _counts[StatisticsLayout.CountExposureKnown];

    /// <summary>Σspend (0 when the export has no spend).</summary>
    public double Spend => _sums[_layout.Spend];

    /// <summary>Outcome names, in index order.</summary>
    public IReadOnlyList<string> Outcomes => _layout.Outcomes;

    /// <summary>Covariate names, in index order.</summary>
    public IReadOnlyList<string> Covariates => _layout.Covariates;

    /// <summary>The moments of outcome <paramref name="outcome"/>.</summary>
    public SampleMoments Outcome(string outcome) => Outcome(_layout.OutcomeIndex(outcome));

    /// <summary>The moments of outcome number <paramref name="outcome"/>.</summary>
    public SampleMoments Outcome(int outcome) =>
        new(N, _shifts[_layout.OutcomeShift(outcome)], _sums[_layout.Sum(outcome)], _sums[_layout.SumSquares(outcome)]);

    /// <summary>The moments of covariate <paramref name="covariate"/>.</summary>
    public SampleMoments Covariate(string covariate) => CovariateMoments(_layout.CovariateIndex(covariate));

    /// <summary>Outcome y with pre-period covariate x (CUPED).</summary>
    public PairedMoments Cuped(string outcome, string covariate)
    {
        int o = _layout.OutcomeIndex(outcome);
        int c = _layout.CovariateIndex(covariate);
        return new(Outcome(o), CovariateMoments(c), _sums[_layout.Cross(o, c)]);
    }

    /// <summary>A ratio metric's numerator y and denominator x, both outcomes (e.g. revenue per order).</summary>
    public PairedMoments Ratio(string numerator, string denominator)
    {
        int y = _layout.OutcomeIndex(numerator);
        int x = _layout.OutcomeIndex(denominator);
        double cross = x == y ? _sums[_layout.SumSquares(y)] : _sums[_layout.Pair(y, x)];
        return new(Outcome(y), Outcome(x), cross);
    }

    /// <summary>
    /// The outcome paired with exposure, for the effect on the treated: y = <paramref name="outcome"/>, x = exposed (0/1,
    /// shift 0), so Σx = Σx² = exposed customers and the cross sum is Σ(y − K)·exposed. Only meaningful when
    /// <see cref="WithExposure"/> = <see cref="N"/> (the export has an <c>exposed</c> column).
    /// </summary>
    public PairedMoments Exposure(string outcome)
    {
        int y = _layout.OutcomeIndex(outcome);
        return new(Outcome(y), new SampleMoments(N, 0, Exposed, Exposed), _sums[_layout.ExposedCross(y)]);
    }

    private SampleMoments CovariateMoments(int c) =>
        new(N, _shifts[_layout.CovariateShift(c)], _sums[_layout.CovariateSum(c)], _sums[_layout.CovariateSquares(c)]);
}
