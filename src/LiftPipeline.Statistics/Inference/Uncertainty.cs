using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// How sure an estimate is: standard error, confidence interval and two-sided p-value for τ = 0, with the method
/// and number of replications that produced them. Methods that invert a test (conformal) may report a NaN standard error.
/// </summary>
public sealed record Uncertainty(string Method, double StandardError, double CiLow, double CiHigh, double PValue, int Replications)
{
    /// <summary>
    /// Fewest distinct replication values a standard error or interval may rest on without a warning: below it the
    /// uncertainty is itself too uncertain to read (a placebo with two controls and one treated unit has two). Every
    /// method counts its own (<see cref="DistinctReplications"/>) and this rule warns.
    /// </summary>
    public const int MinimumDistinctReplications = 10;

    /// <summary>The standard error of each post period's effect (in the estimate's period order) from the same replications as <see cref="StandardError"/>; null when the method gives none.</summary>
    public IReadOnlyList<double>? PeriodStandardErrors { get; init; }

    /// <summary>
    /// Distinct values among the replications the standard error or interval rests on: placebo, jackknife and time
    /// placebo count their τ̂ values, the bootstrap at most min(N0, N1) units, conformal inference its permutation statistics,
    /// jackknife+ its leave-one-out bounds and the conditional variance the fewest of its three placebos; null when the
    /// method could not run.
    /// </summary>
    public int? DistinctReplications { get; init; }

    /// <summary>What a reader should know before trusting these numbers (too few distinct replications, cohorts combined as independent); empty when nothing.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// τ of each replication the standard error rests on, times the method's scale, so that their population
    /// covariance with another metric's draws under the same seed is the covariance of the two estimates (panel iROAS);
    /// null when the method has no replication values.
    /// </summary>
    internal IReadOnlyList<double>? Draws { get; init; }

    /// <summary>Why the method could not run on this design, when it could not (all numbers are then NaN); null otherwise.</summary>
    public string? UnavailableReason { get; init; }

    /// <summary>
    /// No uncertainty, because <paramref name="method"/> is not defined on the design (a jackknife with one treated
    /// unit): every number NaN, <see cref="UnavailableReason"/> and the single warning say why.
    /// </summary>
    public static Uncertainty Unavailable(string method, string reason) =>
        new(method, double.NaN, double.NaN, double.NaN, double.NaN, 0) { UnavailableReason = reason, Warnings = [reason] };

    /// <summary>The normal-theory interval τ ± z·se and p-value 2Φ(−|τ|/se), as synthdid reports them.</summary>
    public static Uncertainty FromStandardError(string method, double att, double se, int replications, double level = 0.95)
    {
        double z = Normal.InvCDF(0, 1, 0.5 + level / 2);
        double p = se > 0 ? 2 * Normal.CDF(0, 1, -Math.Abs(att) / se) : double.NaN;
        return new Uncertainty(method, se, att - z * se, att + z * se, p, replications);
    }

    /// <summary>Whether <see cref="Method"/> draws random replications (placebo, bootstrap, ...); jackknife, conformal and time placebos draw none.</summary>
    public bool DrawsReplications => VarianceEstimators.UsesReplications(Method);

    /// <summary>The method in words: <c>placebo, 200 replications</c>, or just <c>jackknife</c>.</summary>
    public string Description => DrawsReplications ? $"{Method}, {Replications} replications" : Method;

    /// <summary>This uncertainty with <paramref name="warning"/> added to <see cref="Warnings"/>.</summary>
    public Uncertainty WithWarning(string warning) => this with { Warnings = [.. Warnings, warning] };

    /// <summary>
    /// This uncertainty resting on <paramref name="distinct"/> distinct replication values (for methods that enumerate a
    /// fixed set, such as pre-period windows), with a warning when there are fewer than <see cref="MinimumDistinctReplications"/>,
    /// and one when the interval is unbounded on a side (a rank-based interval with too few replications for its level).
    /// </summary>
    public Uncertainty WithDistinctReplications(int distinct)
    {
        var counted = this with { DistinctReplications = distinct };
        string what = double.IsNaN(StandardError) ? "interval" : "standard error";
        if (distinct < MinimumDistinctReplications)
        {
            counted = counted.WithWarning($"The {Method} {what} rests on {distinct} distinct replication value{(distinct == 1 ? "" : "s")} " +
                $"(fewer than {MinimumDistinctReplications}): too few to trust; more control units, treated units or pre periods would help.");
        }
        return double.IsInfinity(CiLow) || double.IsInfinity(CiHigh)
            ? counted.WithWarning($"The {Method} interval is unbounded: on {distinct} distinct replication values no effect on one side can be ruled out at this " +
                "confidence level; more control units or periods, or a lower level, would bound it.")
            : counted;
    }

    /// <summary>Equal when every number, the method, the per-period standard errors and the warnings are equal.</summary>
    public bool Equals(Uncertainty? other) =>
        other is not null && Method == other.Method && StandardError.Equals(other.StandardError) && CiLow.Equals(other.CiLow)
        && CiHigh.Equals(other.CiHigh) && PValue.Equals(other.PValue) && Replications == other.Replications
        && DistinctReplications == other.DistinctReplications && UnavailableReason == other.UnavailableReason
        && SameSequence(PeriodStandardErrors, other.PeriodStandardErrors) && Warnings.SequenceEqual(other.Warnings);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Method, StandardError, CiLow, CiHigh, PValue, Replications);

    private static bool SameSequence(IReadOnlyList<double>? a, IReadOnlyList<double>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);

    /// <summary>Distinct values among <paramref name="values"/>, counting values within 1e-9 of the largest magnitude as equal.</summary>
    internal static int CountDistinct(ReadOnlySpan<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double scale = 0;
        foreach (double v in sorted)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }
        double tolerance = 1e-9 * scale;
        int distinct = sorted.Length == 0 ? 0 : 1;
        for (int k = 1; k < sorted.Length; k++)
        {
            distinct += sorted[k] - sorted[k - 1] > tolerance ? 1 : 0;
        }
        return distinct;
    }
}
