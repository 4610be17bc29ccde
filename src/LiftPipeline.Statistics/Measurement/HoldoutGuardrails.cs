using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// The holdout guardrails, each pass / warn / breach with its evidence: <c>srm</c> (arm counts against the planned
/// allocation, overall and per segment with Holm's adjustment), <c>underpowered</c> (the primary contrast's relative MDE
/// at 80% power with the always-valid interval at the planned N*, above the campaign's target), <c>contamination</c>
/// (exposure in the control arm) and <c>harm</c> (non-inferiority of guardrail metrics on the always-valid interval,
/// because the nightly run reads it every day) and <c>fairness</c> (the primary contrast by group, <see cref="GroupFairness"/>).
/// </summary>
public static class HoldoutGuardrails
{
    /// <summary>Guardrail names in results and alerts.</summary>
    public const string Srm = "srm", Underpowered = "underpowered", Contamination = "contamination", Harm = "harm", Fairness = "fairness";

    /// <summary>Power at which the MDE is stated.</summary>
    public const double Power = 0.8;

    /// <summary>Runs every guardrail that applies; <paramref name="fairness"/> (<see cref="GroupFairness.Check"/>) gives the <c>fairness</c> guardrail when not empty.</summary>
    public static IReadOnlyList<GuardrailResult> Check(ExperimentStatistics statistics, HoldoutMeasureOptions options, IReadOnlyList<HoldoutContrast> contrasts, IReadOnlyList<ArmCount> arms,
        IReadOnlyList<GroupFairness> fairness)
    {
        var results = new List<GuardrailResult> { SampleRatio(statistics, options, arms) };
        var control = arms.Single(a => a.Arm == options.Settings.Control);
        if (options.Guardrails.TargetRelativeMde is { } target)
        {
            results.Add(Mde(contrasts, options, target));
        }
        bool exposureKnown = statistics.ForArm(control.Arm) is { N: > 0 } c && c.WithExposure == c.N;
        if (options.Assignment is { } assignment)
        {
            results.Add(AssignmentContamination(exposureKnown ? control : null, assignment, options.Settings.Control, options.Guardrails.MaxControlExposure));
        }
        else if (exposureKnown)
        {
            results.Add(ControlExposure(control, options.Guardrails.MaxControlExposure));
        }
        foreach (var check in options.Guardrails.Harm)
        {
            results.Add(HarmCheckResult(contrasts, options.Settings.Control, check));
        }
        if (GroupFairness.Guardrail(fairness) is { } fair)
        {
            results.Add(fair);
        }
        return results;
    }

    private static GuardrailResult SampleRatio(ExperimentStatistics statistics, HoldoutMeasureOptions options, IReadOnlyList<ArmCount> arms)
    {
        double alpha = options.Guardrails.SrmAlpha;
        var weights = arms.Select(a => options.Settings.Allocation is { } plan ? plan.GetValueOrDefault(a.Arm) : 1.0 / arms.Count).ToArray();
        var counts = arms.Select(a => a.N).ToArray();
        var test = SampleRatioMismatch.Test(counts, weights);
        var evidence = new Dictionary<string, double> { ["chiSquare"] = test.ChiSquare, ["pValue"] = test.PValue, ["alpha"] = alpha };
        for (int i = 0; i < arms.Count; i++)
        {
            evidence[$"share.{arms[i].Arm}"] = (double)counts[i] / counts.Sum();
            evidence[$"planned.{arms[i].Arm}"] = weights[i];
        }
        string shares = string.Join(", ", arms.Select((a, i) => $"{a.Arm} {100.0 * counts[i] / counts.Sum():0.00}% (planned {100 * weights[i]:0.##}%)"));
        if (test.PValue < alpha)
        {
            return new(Srm, GuardrailStatus.Breach, $"Sample ratio mismatch: {shares}; χ² = {test.ChiSquare:0.##}, p = {test.PValue:G3} < {alpha}. Assignment or logging is broken; do not read the results until it is explained.", evidence);
        }
        var (segment, adjusted) = WorstSegment(statistics, arms, weights);
        if (segment is not null)
        {
            evidence["segmentPAdjusted"] = adjusted;
            if (adjusted < alpha)
            {
                return new(Srm, GuardrailStatus.Breach, $"Sample ratio mismatch in segment {segment} (Holm-adjusted p = {adjusted:G3} < {alpha}) although the overall split is fine ({shares}).", evidence);
            }
        }
        return new(Srm, GuardrailStatus.Pass, $"Arm sizes match the plan: {shares} (p = {test.PValue:G3}).", evidence);
    }

    /// <summary>The segment whose split departs most from the plan, with its Holm-adjusted p-value; null without segments.</summary>
    private static (string? Segment, double PAdjusted) WorstSegment(ExperimentStatistics statistics, IReadOnlyList<ArmCount> arms, double[] weights)
    {
        var bySegment = statistics.ByArmAnd(ExperimentDimension.Segment).Where(c => c.Key.Segment is not null)
            .GroupBy(c => c.Key.Segment!, StringComparer.Ordinal).ToArray();
        if (bySegment.Length < 2)
        {
            return (null, double.NaN);
        }
        var names = new List<string>();
        var p = new List<double>();
        foreach (var segment in bySegment)
        {
            var counts = arms.Select(a => segment.FirstOrDefault(c => c.Key.Arm == a.Arm)?.N ?? 0).ToArray();
            if (counts.Sum() == 0)
            {
                continue;
            }
            names.Add(segment.Key);
            p.Add(SampleRatioMismatch.Test(counts, weights).PValue);
        }
        var adjusted = MultipleTesting.Holm(p.ToArray());
        int worst = Array.IndexOf(adjusted, adjusted.Min());
        return (names[worst], adjusted[worst]);
    }

    private static GuardrailResult Mde(IReadOnlyList<HoldoutContrast> contrasts, HoldoutMeasureOptions options, double target)
    {
        var settings = options.Settings;
        string primary = options.Metrics?.FirstOrDefault() ?? contrasts.FirstOrDefault()?.Metric ?? "";
        var pair = settings.PrimaryContrast ?? contrasts.Where(c => c.Control == settings.Control).Select(c => new ArmContrast(c.Treatment, c.Control)).FirstOrDefault();
        var c = pair is null ? null : contrasts.FirstOrDefault(c => c.Kind == ContrastKind.Mean && c.Treatment == pair.Treatment && c.Control == pair.Control
            && c.Metric == primary && c.Segment is null && c.Surface is null && c.Market is null);
        if (c is null)
        {
            return new(Underpowered, GuardrailStatus.Warn, $"No primary contrast of {primary} to size.", new Dictionary<string, double> { ["target"] = target });
        }
        // The MDE of the interval the decision reads: always-valid, at the planned N* (or today's N when larger).
        double fraction = (c.TreatmentN + c.ControlN) / (double)settings.SequentialTuningN;
        double mde = InformationTimeSequence.MinimumDetectable(c.RelativeStandardError, fraction, options.Alpha, Power);
        var evidence = new Dictionary<string, double> { ["mdeRelative"] = mde, ["target"] = target, ["power"] = Power, ["informationFraction"] = fraction };
        string subject = $"{c.Treatment} against {c.Control}";
        string horizon = fraction >= 1 ? "at today's sample" : $"at the planned {settings.SequentialTuningN:N0} customers";
        return mde > target
            ? new(Underpowered, GuardrailStatus.Breach, $"Underpowered: {subject} can only detect a {100 * mde:0.##}% lift in {primary} with the always-valid interval at 80% power {horizon}; the target is {100 * target:0.##}%. Run longer or with more customers (lift power).", evidence)
            : new(Underpowered, GuardrailStatus.Pass, $"Powered: {subject} can detect a {100 * mde:0.##}% lift in {primary} with the always-valid interval at 80% power {horizon} (target {100 * target:0.##}%).", evidence);
    }

    private static GuardrailResult ControlExposure(ArmCount control, double limit)
    {
        double share = control.N > 0 ? (double)control.Exposed / control.N : 0;
        var evidence = new Dictionary<string, double> { ["exposedShare"] = share, ["exposed"] = control.Exposed, ["limit"] = limit };
        return share > limit
            ? new(Contamination, GuardrailStatus.Breach, $"Control contamination: {100 * share:0.##}% of {control.Arm} ({control.Exposed:N0} customers) was exposed, above {100 * limit:0.##}%. The holdout is not clean; effects are biased toward zero.", evidence)
            : new(Contamination, GuardrailStatus.Pass, $"The control is clean: {100 * share:0.##}% of {control.Arm} exposed (limit {100 * limit:0.##}%).", evidence);
    }

    /// <summary>Finding names of the contamination guardrail with a stored assignment, in this order.</summary>
    public const string ExposedControlFinding = "exposed-control", WrongArmFinding = "wrong-arm", NotAssignedFinding = "not-assigned", HoldoutExposedFinding = "holdout-exposed";

    /// <summary>
    /// Contamination with a stored assignment: the export's control arm exposed (when the export flags exposure), rows in
    /// another arm than assigned, rows of customers the assignment lacks, and holdout-assigned customers exposed — each a
    /// share, and each breaching above the one <c>maxControlExposure</c> limit. Findings name the shares that breach.
    /// </summary>
    private static GuardrailResult AssignmentContamination(ArmCount? exposedControl, AssignmentAgreement a, string controlArm, double limit)
    {
        var evidence = new Dictionary<string, double>
        {
            ["limit"] = limit, ["assignment.customers"] = a.Customers,
            ["assignment.wrongArm"] = a.WrongArm, ["assignment.wrongArmShare"] = a.WrongArmShare,
            ["assignment.notAssigned"] = a.NotAssigned, ["assignment.notAssignedShare"] = a.NotAssignedShare,
            ["assignment.holdoutAssigned"] = a.HoldoutAssigned, ["assignment.holdoutExposed"] = a.HoldoutExposed, ["assignment.holdoutExposedShare"] = a.HoldoutExposedShare,
        };
        var findings = new List<string>();
        var notes = new List<string>();
        if (exposedControl is { } control)
        {
            double share = control.N > 0 ? (double)control.Exposed / control.N : 0;
            evidence["exposedShare"] = share;
            evidence["exposed"] = control.Exposed;
            if (share > limit)
            {
                findings.Add(ExposedControlFinding);
                notes.Add($"{Percent(share)} of the export's {control.Arm} arm ({control.Exposed:N0} customers) was exposed");
            }
        }
        if (a.WrongArmShare > limit)
        {
            findings.Add(WrongArmFinding);
            notes.Add($"{a.WrongArm:N0} customers ({Percent(a.WrongArmShare)}) are in another arm than assigned (e.g. {string.Join(", ", a.FirstWrongArm)})");
        }
        if (a.NotAssignedShare > limit)
        {
            findings.Add(NotAssignedFinding);
            notes.Add($"{a.NotAssigned:N0} customers ({Percent(a.NotAssignedShare)}) are not in the assignment (e.g. {string.Join(", ", a.FirstNotAssigned)})");
        }
        if (a.HoldoutExposedShare > limit)
        {
            findings.Add(HoldoutExposedFinding);
            notes.Add($"{a.HoldoutExposed:N0} of {a.HoldoutAssigned:N0} customers assigned to {controlArm} ({Percent(a.HoldoutExposedShare)}) were exposed (e.g. {string.Join(", ", a.FirstHoldoutExposed)})");
        }
        string counts = $"{a.WrongArm:N0} of {a.Customers:N0} customers in another arm than assigned, {a.NotAssigned:N0} not in the assignment, {a.HoldoutExposed:N0} of {a.HoldoutAssigned:N0} assigned to {controlArm} exposed";
        return findings.Count > 0
            ? new(Contamination, GuardrailStatus.Breach, $"Contamination against the assignment: {string.Join("; ", notes)}; the limit is {Percent(limit)}. The holdout is not clean; effects are biased.", evidence) { Findings = findings }
            : new(Contamination, GuardrailStatus.Pass, $"The export agrees with the assignment: {counts} (limit {Percent(limit)} each).", evidence);
    }

    private static string Percent(double share) => $"{100 * share:0.##}%";

    /// <summary>
    /// The guardrail metrics an arm harms: for each harm check, the overall mean contrasts of an arm against
    /// <paramref name="control"/> on its metric whose always-valid relative interval lies entirely beyond the margin in
    /// the bad direction. The <c>harm</c> guardrail breaches on exactly these, and reports mark their rows.
    /// </summary>
    public static IReadOnlyList<GuardrailHarm> Harms(IReadOnlyList<HoldoutContrast> contrasts, string control, IReadOnlyList<HarmCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(contrasts);
        ArgumentNullException.ThrowIfNull(checks);
        var harms = new List<GuardrailHarm>();
        foreach (var check in checks)
        {
            foreach (var c in HarmRows(contrasts, control, check))
            {
                if (Bounds(c, check).Best < -check.Margin)
                {
                    harms.Add(new GuardrailHarm(c, check));
                }
            }
        }
        return harms;
    }

    private static IEnumerable<HoldoutContrast> HarmRows(IReadOnlyList<HoldoutContrast> contrasts, string control, HarmCheck check) =>
        contrasts.Where(c => c.Kind == ContrastKind.Mean && c.Metric == check.Metric && c.Control == control && c.Segment is null && c.Surface is null && c.Market is null);

    /// <summary>The always-valid relative interval's ends on the bad (worst) and good (best) side, signed so that lower is worse.</summary>
    private static (double Worst, double Best) Bounds(HoldoutContrast c, HarmCheck check)
    {
        var ci = c.AlwaysValidRelativeCi;
        return check.HigherIsBetter ? (ci.Lower, ci.Upper) : (-ci.Upper, -ci.Lower);
    }

    private static GuardrailResult HarmCheckResult(IReadOnlyList<HoldoutContrast> contrasts, string control, HarmCheck check)
    {
        var evidence = new Dictionary<string, double> { ["margin"] = check.Margin };
        var status = GuardrailStatus.Pass;
        var notes = new List<string>();
        var harmed = Harms(contrasts, control, [check]);
        foreach (var c in HarmRows(contrasts, control, check))
        {
            // Non-inferiority on the always-valid interval (read nightly): the bad side must stay within the margin (a harm when the whole interval is beyond it).
            var ci = c.AlwaysValidRelativeCi;
            evidence[$"relative.{c.Treatment}"] = c.Relative;
            if (harmed.FirstOrDefault(h => ReferenceEquals(h.Contrast, c)) is { } harm)
            {
                status = GuardrailStatus.Breach;
                notes.Add(harm.Describe(v => $"{100 * v:0.##}%"));
            }
            else if (Bounds(c, check).Worst < -check.Margin)
            {
                status = status == GuardrailStatus.Breach ? status : GuardrailStatus.Warn;
                notes.Add($"{c.Treatment} cannot yet rule out harm to {check.Metric} beyond {100 * check.Margin:0.##}% (always-valid interval {100 * ci.Lower:0.##}% to {100 * ci.Upper:0.##}%)");
            }
        }
        string message = notes.Count > 0 ? string.Join("; ", notes) + "." : $"No arm harms {check.Metric} beyond the {100 * check.Margin:0.##}% margin.";
        return new(Harm, status, message, evidence);
    }
}
