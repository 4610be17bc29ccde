using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>What a contrast compares: per-customer means, a ratio of sums, or the effect on the exposed (CACE).</summary>
public enum ContrastKind
{
    /// <summary>Difference in per-customer means (Welch; CUPED when a pre-period covariate exists).</summary>
    Mean,

    /// <summary>Difference in Σ numerator ÷ Σ denominator, by the delta method.</summary>
    Ratio,

    /// <summary>Treatment on the treated: the intention-to-treat effect ÷ the difference in exposure shares.</summary>
    OnTreated,
}

/// <summary>A two-sided interval; bounds are NaN when it is not defined.</summary>
public readonly record struct Interval(double Lower, double Upper)
{
    /// <summary>No interval.</summary>
    public static Interval None => new(double.NaN, double.NaN);

    /// <summary>True when both bounds are finite and the interval excludes zero.</summary>
    public bool ExcludesZero => double.IsFinite(Lower) && double.IsFinite(Upper) && (Lower > 0 || Upper < 0);
}

/// <summary>One arm of a holdout: its customers, the exposed among them, and its media spend.</summary>
public sealed record ArmCount(string Arm, long N, long Exposed, double Spend)
{
    /// <summary>
    /// True when the arm's numbers are withheld from release (small-cell suppression): <see cref="N"/> and
    /// <see cref="Exposed"/> are then 0 and <see cref="Spend"/> NaN, and reports show the arm without numbers.
    /// </summary>
    public bool Suppressed { get; init; }
}

/// <summary>
/// One comparison of a treatment arm with a control arm on one metric, overall or within one segment, surface or
/// market (the others null). Absolute effects are in the metric's units per customer; relative ones are fractions of
/// the control mean. <see cref="AlwaysValidCi"/> is the sequential interval that stays valid under daily looks.
/// </summary>
public sealed record HoldoutContrast
{
    public required string Treatment { get; init; }
    public required string Control { get; init; }
    public required string Metric { get; init; }
    public string? Segment { get; init; }
    public string? Surface { get; init; }
    public string? Market { get; init; }
    public ContrastKind Kind { get; init; }
    public long TreatmentN { get; init; }
    public long ControlN { get; init; }
    public double TreatmentMean { get; init; }
    public double ControlMean { get; init; }

    /// <summary>Treatment mean − control mean (CUPED-adjusted when <see cref="Cuped"/>).</summary>
    public double Absolute { get; init; }
    public double AbsoluteStandardError { get; init; }
    public Interval Ci { get; init; } = Interval.None;

    /// <summary><see cref="Absolute"/> ÷ |control mean|.</summary>
    public double Relative { get; init; }
    public double RelativeStandardError { get; init; } = double.NaN;
    public Interval RelativeCi { get; init; } = Interval.None;
    public Interval AlwaysValidCi { get; init; } = Interval.None;
    public Interval AlwaysValidRelativeCi { get; init; } = Interval.None;
    public double PValue { get; init; } = double.NaN;

    /// <summary>The p-value adjusted within its family (segments, surfaces or markets of one contrast and metric); null overall.</summary>
    public double? PAdjusted { get; init; }
    public bool Cuped { get; init; }

    /// <summary>Incremental total in the treatment arm: <see cref="Absolute"/> × treated customers.</summary>
    public double Incremental { get; init; } = double.NaN;
    public Interval IncrementalCi { get; init; } = Interval.None;

    /// <summary>Incremental per 1,000 customers in the treatment arm.</summary>
    public double IncrementalPer1000 { get; init; } = double.NaN;

    /// <summary>Incremental revenue ÷ the treatment arm's spend (on the revenue metric, when spend is known).</summary>
    public double? Iroas { get; init; }
    public Interval IroasCi { get; init; } = Interval.None;

    /// <summary>Spend ÷ incremental conversions (on the conversion metric, when spend is known).</summary>
    public double? CostPerIncrementalConversion { get; init; }
    public Interval CostPerIncrementalConversionCi { get; init; } = Interval.None;

    /// <summary>
    /// True when the row is withheld from release (small-cell suppression): only its labels are kept, every number is
    /// 0, NaN or null, and reports show "suppressed" instead.
    /// </summary>
    public bool Suppressed { get; init; }
}

/// <summary>The tail of one metric: fitted tail index ξ and whether a normal interval can be trusted.</summary>
/// <param name="Metric">The outcome.</param>
/// <param name="TailIndex">ξ of the upper generalized Pareto tail (≥ 0.5: infinite variance).</param>
/// <param name="StandardError">Standard error of ξ.</param>
/// <param name="TooHeavy">True when the tail is too heavy for a normal interval.</param>
/// <param name="Cap">The winsorising cap applied, when capping is on.</param>
public sealed record MetricTail(string Metric, double TailIndex, double StandardError, bool TooHeavy, double? Cap);

/// <summary>Everything measured on one holdout export: arms, contrasts, tails and guardrails.</summary>
/// <param name="Control">The control arm.</param>
/// <param name="Level">Confidence level of every interval.</param>
/// <param name="Arms">Each arm's size, exposure and spend.</param>
/// <param name="Contrasts">Overall contrasts first (every arm vs control, then extra pairs), then by segment, surface and market.</param>
/// <param name="Tails">Per metric tail fits (empty when not fitted).</param>
/// <param name="Guardrails">SRM, underpowered, contamination, harm and fairness results.</param>
public sealed record HoldoutMeasurement(
    string Control,
    double Level,
    IReadOnlyList<ArmCount> Arms,
    IReadOnlyList<HoldoutContrast> Contrasts,
    IReadOnlyList<MetricTail> Tails,
    IReadOnlyList<GuardrailResult> Guardrails)
{
    /// <summary>
    /// The comparison the recommendation follows (<see cref="HoldoutSettings.PrimaryContrast"/>, by default the first
    /// arm against the control); null: the first overall contrast.
    /// </summary>
    public ArmContrast? PrimaryContrast { get; init; }

    /// <summary>
    /// The guardrail metrics an arm harms (<see cref="HoldoutGuardrails.Harms"/>): the rows the <c>harm</c> guardrail
    /// breaches on, which reports mark; empty when none is harmed or no harm check is set.
    /// </summary>
    public IReadOnlyList<GuardrailHarm> Harms { get; init; } = [];

    /// <summary>
    /// The fewest customers a released cell may describe, when the measurement went through small-cell suppression before
    /// release (rows with fewer are <see cref="HoldoutContrast.Suppressed"/>); null when it did not.
    /// </summary>
    public long? SuppressedBelow { get; init; }

    /// <summary>
    /// The primary contrast's effect by group (markets by default; <see cref="GroupFairness"/>), one check per breakdown
    /// of <c>guardrails.fairnessGroups</c> with two or more groups; the <c>fairness</c> guardrail reads them.
    /// </summary>
    public IReadOnlyList<GroupFairness> Fairness { get; init; } = [];

    /// <summary>N* the always-valid intervals were tuned with (<see cref="HoldoutSettings.SequentialTuningN"/>); NaN when unknown.</summary>
    public double SequentialTuningN { get; init; } = double.NaN;

    /// <summary>
    /// The contrast the recommendation reads: the first overall contrast of <see cref="PrimaryContrast"/> (its primary
    /// metric), or null when there is none.
    /// </summary>
    public HoldoutContrast? Primary => PrimaryOf(Contrasts, PrimaryContrast);

    /// <summary>The first overall contrast of <paramref name="pair"/> in <paramref name="contrasts"/> (any pair when null); null when there is none.</summary>
    public static HoldoutContrast? PrimaryOf(IReadOnlyList<HoldoutContrast> contrasts, ArmContrast? pair) =>
        contrasts.FirstOrDefault(c => c.Segment is null && c.Surface is null && c.Market is null
            && (pair is null || (c.Treatment == pair.Treatment && c.Control == pair.Control)));
}
