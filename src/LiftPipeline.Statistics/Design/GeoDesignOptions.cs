using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Statistics.Design;

/// <summary>How candidates are ordered in a market selection.</summary>
public enum DesignRanking
{
    /// <summary>Trusted designs first (calibrated, detected lift near the effect: <see cref="DesignTrust"/>), then smallest MDE, smallest investment, smallest scaled L2 imbalance. The default.</summary>
    Mde,

    /// <summary>GeoLift's rank: the mean of dense ranks of |MDE|, power (ascending) and |detected lift − MDE|, ties at the minimum.</summary>
    GeoLift,
}

/// <summary>Which alternative the conformal test of each simulation looks for.</summary>
public enum TestSide
{
    /// <summary>Σ|u| over the test window: an effect of either sign. The default.</summary>
    TwoSided,

    /// <summary>Σu (or −Σu for a negative effect size): an effect of the simulated sign only.</summary>
    OneSided,
}

/// <summary>
/// What a geo design simulates: test sizes, durations and effect sizes, which markets must or must not be tested, the
/// estimator and its test, cost per incremental conversion and budget. Defaults follow GeoLift's market selection
/// where it has one; docs/design.md lists them. Immutable.
/// </summary>
public sealed record GeoDesignOptions
{
    /// <summary>Numbers of test markets. Default (null): GeoLift's, the type-1 quantiles of 1..N at 0, 0.1, …, 0.5.</summary>
    public IReadOnlyList<int>? Sizes { get; init; }

    /// <summary>Test durations in periods. Default (null): T/10 and T/5 of the history, rounded (keeping at least 4 pre periods per test period).</summary>
    public IReadOnlyList<int>? TreatmentPeriods { get; init; }

    /// <summary>Effect sizes simulated, as relative lifts (0.05 = +5%; negative for a budget decrease). Default 0, 0.05, …, 0.25.</summary>
    public IReadOnlyList<double> EffectSizes { get; init; } = [0, 0.05, 0.1, 0.15, 0.2, 0.25];

    /// <summary>Markets every candidate must contain. Default none.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>Markets never tested; they stay in the donor pool (as in GeoLift). Default none.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>The donor pool of every simulation (a pre-chosen control group); test markets in it are left out. Default (null): every market not tested.</summary>
    public IReadOnlyList<string>? Controls { get; init; }

    /// <summary>Cost per incremental conversion; investment = cpic × treated outcome in the window × effect size. Default 1.</summary>
    public double Cpic { get; init; } = 1;

    /// <summary>Largest investment a candidate may need; candidates at or over it are dropped. Default none.</summary>
    public double? Budget { get; init; }

    /// <summary>
    /// Significance level: of each simulated test (fixed horizon), or of the always-valid interval the design plans for
    /// (<see cref="AlwaysValid"/>). Default 0.1 (GeoLift's).
    /// </summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>
    /// Plan for the always-valid interval the nightly decisions read (<see cref="InformationTimeSequence"/>) at the end of
    /// the test, instead of GeoLift's fixed-horizon test read once: each simulated test rejects at <see cref="TestAlpha"/>.
    /// Default false (GeoLift's fixed-horizon test at <see cref="Alpha"/>).
    /// </summary>
    public bool AlwaysValid { get; init; }

    /// <summary>
    /// The level each simulated test (power, false-positive rate, calibration) rejects at: <see cref="Alpha"/>, or with
    /// <see cref="AlwaysValid"/> the fixed-horizon level α′ = <see cref="InformationTimeSequence.HorizonAlpha"/>(α) at
    /// which the always-valid interval at the planned end (information fraction 1) excludes 0.
    /// </summary>
    public double TestAlpha => AlwaysValid && Alpha > 0 && Alpha < 1 ? InformationTimeSequence.HorizonAlpha(Alpha) : Alpha;

    /// <summary>Power a design must exceed at its MDE. Default 0.8.</summary>
    public double Power { get; init; } = 0.8;

    /// <summary>Number of historical test windows simulated (the last one ends at the last period). Default 1.</summary>
    public int Lookback { get; init; } = 1;

    /// <summary>Historical windows over which the false-positive rate at effect 0 is measured. Default 10; 0 turns it off.</summary>
    public int CalibrationWindows { get; init; } = 10;

    /// <summary>The panel estimator simulated (a name from the registry). Default geolift (fast path).</summary>
    public string Estimator { get; init; } = "geolift";

    /// <summary>Permutations of the conformal test. Default 1000 iid permutations, as GeoLift.</summary>
    public int Permutations { get; init; } = 1000;

    /// <summary>Random (iid, the default, as GeoLift) or the deterministic moving-block permutations.</summary>
    public ConformalPermutation Permutation { get; init; } = ConformalPermutation.Iid;

    /// <summary>Seed of every random draw. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Two-sided (default) or one-sided test.</summary>
    public TestSide Side { get; init; } = TestSide.TwoSided;

    /// <summary>Candidate order. Default <see cref="DesignRanking.Mde"/>.</summary>
    public DesignRanking Ranking { get; init; } = DesignRanking.Mde;

    /// <summary>Share of the outcome left out of the test (the holdout), as [min, max]; candidates outside are dropped. Default none.</summary>
    public (double Min, double Max)? HoldoutRange { get; init; }

    /// <summary>Number of test cells (multi-cell selection). Default 1.</summary>
    public int Cells { get; init; } = 1;
}
