using LiftPipeline.Statistics.Decisions.Privacy;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>
/// What may leave the store of a holdout measurement: the one step between measuring and building anything released
/// from it (report, latest.json, the learnings entry). Arm rows and contrast rows with fewer than
/// <see cref="MinimumCustomers"/> customers in either arm are suppressed, and so are the rows that would let a suppressed
/// one be recomputed from released totals (<see cref="SmallCellSuppression"/>); the effects by group are checked again
/// on the released rows. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The released counts form one table per breakdown (segment, surface, market): arms × values, whose row totals are the
/// arms' customers (a column "other" holds customers without a value) and whose grand total is everyone. The arms' list
/// is those row totals again. The tables share their margins, so an arm total suppressed in one is suppressed in all,
/// until nothing changes. A contrast row is released when both its arms' cells are; the overall row when both arms'
/// totals are. Sums of an outcome add up like the counts, so the same pattern protects the means.
/// </remarks>
/// <param name="MinimumCustomers">The fewest customers a released cell may describe; default 50, as ad data hubs do.</param>
public sealed record ReleasePolicy(long MinimumCustomers = 50)
{
    /// <summary>The default policy: suppress cells below 50 customers.</summary>
    public static ReleasePolicy Default { get; } = new();

    /// <summary>
    /// <c>privacy.noise</c>: the aggregate table is released with noise and charged to the campaign's budget
    /// (<see cref="AggregateRelease"/>); null (default): released exact, after suppression.
    /// </summary>
    public AggregateNoise? Noise { get; init; }

    /// <summary>The measurement as it may be released: suppressed arms and rows keep their labels and lose their numbers.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A minimum below 1.</exception>
    public HoldoutMeasurement Release(HoldoutMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        var hidden = Hidden(measurement);
        if (hidden.Arms.Count == 0 && hidden.Cells.Count == 0)
        {
            return measurement with { SuppressedBelow = MinimumCustomers };
        }
        var contrasts = new List<HoldoutContrast>(measurement.Contrasts.Count);
        foreach (var c in measurement.Contrasts)
        {
            contrasts.Add(hidden.Hides(c) ? Suppressed(c) : c);
        }
        var arms = new List<ArmCount>(measurement.Arms.Count);
        foreach (var arm in measurement.Arms)
        {
            arms.Add(hidden.Arms.Contains(arm.Arm) ? new ArmCount(arm.Arm, 0, 0, double.NaN) { Suppressed = true } : arm);
        }
        var released = measurement with
        {
            Arms = arms,
            Contrasts = contrasts,
            Harms = [.. measurement.Harms.Where(h => !hidden.Hides(h.Contrast))],
            SuppressedBelow = MinimumCustomers,
        };
        bool overallHidden = hidden.Arms.Count > 0 || contrasts.Any(c => c.Suppressed && c.Segment is null && c.Surface is null && c.Market is null);
        return WithFairnessOfReleasedRows(overallHidden ? WithGuardrailDetailsWithheld(released) : released);
    }

    /// <summary>The arms and breakdown cells of <paramref name="measurement"/> that <see cref="Release"/> hides.</summary>
    internal HiddenCells Hidden(HoldoutMeasurement measurement) =>
        ReleaseTables.Build(measurement).Suppress(new SmallCellSuppression(MinimumCustomers));

    /// <summary>
    /// The guardrails speak of arms and overall rows (SRM shares, exposed holdout customers, a harm row's lift): with one
    /// of those hidden, each keeps its name, status and findings (the decision and alert ids read them) but not its
    /// numbers. The <c>fairness</c> guardrail is checked again instead (<see cref="WithFairnessOfReleasedRows"/>).
    /// </summary>
    private HoldoutMeasurement WithGuardrailDetailsWithheld(HoldoutMeasurement released)
    {
        var guardrails = new List<GuardrailResult>(released.Guardrails.Count);
        foreach (var g in released.Guardrails)
        {
            guardrails.Add(g.Name == HoldoutGuardrails.Fairness ? g : g with
            {
                Message = $"{g.Status.ToString().ToLowerInvariant()}; details withheld because an arm or overall row is suppressed (fewer than {MinimumCustomers} customers).",
                Evidence = new Dictionary<string, double>(),
            });
        }
        return released with { Guardrails = guardrails };
    }

    /// <summary>
    /// The effects by group and the <c>fairness</c> guardrail read the rows by group: checked again on the released rows
    /// (as <see cref="HoldoutMeasurer"/> does), so a hidden group neither shows nor counts in Q or the evidence.
    /// </summary>
    private static HoldoutMeasurement WithFairnessOfReleasedRows(HoldoutMeasurement released)
    {
        if (released.Fairness.Count == 0)
        {
            return released;
        }
        var first = released.Fairness[0];
        var thresholds = new GuardrailThresholds
        {
            FairnessGroups = [.. released.Fairness.Select(f => f.Dimension)],
            Harm = first.HigherIsBetter ? [] : [new HarmCheck(first.Metric, 0, HigherIsBetter: false)],
        };
        var checks = GroupFairness.Check(released.Contrasts, released.Primary, thresholds, 1 - released.Level);
        var guardrail = GroupFairness.Guardrail(checks);
        var guardrails = new List<GuardrailResult>(released.Guardrails.Count);
        foreach (var g in released.Guardrails)
        {
            if (g.Name != HoldoutGuardrails.Fairness)
            {
                guardrails.Add(g);
            }
            else if (guardrail is not null)
            {
                guardrails.Add(guardrail);
            }
        }
        return released with { Fairness = checks, Guardrails = guardrails };
    }

    /// <summary>The row's labels without a number.</summary>
    private static HoldoutContrast Suppressed(HoldoutContrast c) => new()
    {
        Treatment = c.Treatment, Control = c.Control, Metric = c.Metric, Segment = c.Segment, Surface = c.Surface, Market = c.Market,
        Kind = c.Kind, TreatmentMean = double.NaN, ControlMean = double.NaN, Absolute = double.NaN, AbsoluteStandardError = double.NaN,
        Relative = double.NaN, Suppressed = true,
    };
}
