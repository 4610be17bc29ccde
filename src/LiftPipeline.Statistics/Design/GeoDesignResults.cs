namespace LiftPipeline.Statistics.Design;

/// <summary>
/// One point of a power curve: a set of test markets run for <paramref name="Duration"/> periods with a true relative
/// effect <paramref name="EffectSize"/>, averaged over the lookback windows.
/// </summary>
/// <param name="Duration">Test length in periods.</param>
/// <param name="EffectSize">The simulated relative lift (0.1 = +10%).</param>
/// <param name="Power">Share of lookback windows whose test rejects at alpha.</param>
/// <param name="AvgAtt">Mean ATT per market and period.</param>
/// <param name="AvgDetectedLift">Mean estimated lift, Σ(treated − counterfactual) / Σ counterfactual.</param>
/// <param name="AvgScaledL2Imbalance">Mean scaled L2 imbalance of the pre-period fit.</param>
/// <param name="Investment">Mean cost of the effect: cpic × treated outcome in the window × effect size.</param>
/// <param name="Windows">Number of lookback windows averaged.</param>
public sealed record GeoPowerPoint(int Duration, double EffectSize, double Power, double AvgAtt, double AvgDetectedLift, double AvgScaledL2Imbalance, double Investment, int Windows);

/// <summary>
/// How often the design's test rejects when nothing happens: the share of <paramref name="Windows"/> historical windows of
/// <paramref name="Duration"/> periods whose effect-0 test has p &lt; alpha. A calibrated test is near alpha.
/// </summary>
public sealed record GeoCalibration(int Duration, double FalsePositiveRate, int Windows);

/// <summary>The power curves of one set of test markets: every duration × effect size, and the calibration per duration.</summary>
public sealed record GeoPowerCurve(IReadOnlyList<string> Locations, IReadOnlyList<GeoPowerPoint> Points, IReadOnlyList<GeoCalibration> Calibration, int Simulations)
{
    /// <summary>
    /// The MDE of one duration's points (GeoLift's rule): the smallest positive effect whose power exceeds
    /// <paramref name="power"/>, or the largest negative one when its |·| is smaller; null when no non-zero effect does.
    /// </summary>
    public static GeoPowerPoint? Mde(IEnumerable<GeoPowerPoint> points, double power) => MarketSelectionTable.Mde(points, power);
}

/// <summary>One row of a market selection: a set of test markets and a duration at its minimum detectable effect.</summary>
/// <param name="Rank">1 = best, ties share a rank.</param>
/// <param name="Locations">The test markets, sorted.</param>
/// <param name="Duration">Test length in periods.</param>
/// <param name="EffectSize">The MDE: the smallest simulated |effect| whose power exceeds the target.</param>
/// <param name="Power">Power at the MDE.</param>
/// <param name="AvgScaledL2Imbalance">Mean scaled L2 imbalance at the MDE.</param>
/// <param name="Investment">Investment at the MDE (negative for a budget decrease).</param>
/// <param name="AvgAtt">Mean ATT at the MDE.</param>
/// <param name="AverageMde">Mean detected lift at the MDE.</param>
/// <param name="ProportionTotalY">Share of the historical outcome in the test markets.</param>
/// <param name="AbsLiftInZero">|detected lift − MDE|, rounded to 3 decimals as GeoLift does.</param>
/// <param name="Holdout">Share of the outcome outside the test (1 − ProportionTotalY; ProportionTotalY for a decrease).</param>
/// <param name="Correlation">Correlation of the test markets' total with the other markets' total over the history.</param>
/// <param name="FalsePositiveRate">The calibration at this duration, or null when not measured.</param>
public sealed record MarketCandidate(
    int Rank, IReadOnlyList<string> Locations, int Duration, double EffectSize, double Power, double AvgScaledL2Imbalance,
    double Investment, double AvgAtt, double AverageMde, double ProportionTotalY, double AbsLiftInZero, double Holdout,
    double Correlation, double? FalsePositiveRate);

/// <summary>A market selection: the ranked candidates, every candidate's power curves, and the number of simulations run.</summary>
public sealed record MarketSelection(IReadOnlyList<MarketCandidate> Candidates, IReadOnlyList<GeoPowerCurve> Curves, int Simulations, GeoDesignOptions Options);

/// <summary>Progress of a design: simulations done out of the total.</summary>
public readonly record struct DesignProgress(long Done, long Total);
