using System.Globalization;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Statistics.Audiences.Validation;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Pipeline.Audiences;

/// <summary>
/// The verdicts of a validation. Breach: a segment below a surface's minimum, a Jaccard below the floor, |d| ≥ the
/// largest allowed in a group large enough that a correct assignment would cross it with probability under 0.001, or a
/// sample-ratio p below its threshold after Holm's adjustment over the groups tested (every segment and all assigned
/// customers). Warn: |d| ≥ the largest allowed in a smaller group, a group under-represented in a segment (a segment
/// defined by age band leaves the other bands out on purpose, so this is for a person to read, not an alert), a segment
/// new or gone since the previous refresh, members missing from the customers export. Pass otherwise.
/// </summary>
internal static class AudienceValidationChecks
{
    public static IReadOnlyList<ValidationCheck> Of(IReadOnlyList<SegmentValidation> segments, HoldoutBalance? all, SegmentMembers? previous,
        AudienceValidationOptions options)
    {
        var checks = new List<ValidationCheck>();
        var adjusted = AdjustedSampleRatios(segments, all);
        foreach (var segment in segments)
        {
            foreach (var surface in options.Surfaces)
            {
                checks.Add(Size(segment, surface));
            }
            if (previous is not null)
            {
                checks.Add(Stability(segment, options.JaccardFloor));
            }
            if (segment.Balance is { } balance)
            {
                checks.AddRange(Balance(segment.Segment, balance, adjusted, options));
            }
            checks.Add(Composition(segment));
            if (segment.InCustomers < segment.Members)
            {
                // Members missing from the export are in no balance or composition figure: the files do not belong together.
                checks.Add(new("coverage", segment.Segment, GuardrailStatus.Warn,
                    F($"coverage warn: segment '{segment.Segment}' has {segment.Members - segment.InCustomers:N0} of {segment.Members:N0} members not in the customers export; balance and composition leave them out"),
                    Evidence(("members", segment.Members), ("inCustomers", segment.InCustomers))));
            }
        }
        foreach (string gone in previous?.Segments.Where(p => !segments.Any(s => s.Segment == p)) ?? [])
        {
            checks.Add(new("stability", gone, GuardrailStatus.Warn, $"stability warn: segment '{gone}' was in the previous refresh and is not in this one", Evidence()));
        }
        if (all is not null)
        {
            checks.AddRange(Balance(null, all, adjusted, options));
        }
        return checks;
    }

    private static ValidationCheck Size(SegmentValidation segment, ActivationSurface surface)
    {
        bool small = segment.Members < surface.Minimum;
        string message = small
            ? F($"size-{surface.Name} breach: segment '{segment.Segment}' has {segment.Members:N0} members, below {surface.Title}'s minimum of {surface.Minimum:N0}")
            : F($"size-{surface.Name} pass: segment '{segment.Segment}' has {segment.Members:N0} members (minimum {surface.Minimum:N0})");
        return new($"size-{surface.Name}", segment.Segment, small ? GuardrailStatus.Breach : GuardrailStatus.Pass, message,
            Evidence(("members", segment.Members), ("minimum", surface.Minimum)));
    }

    private static ValidationCheck Stability(SegmentValidation segment, double floor)
    {
        if (segment.Stability is not { } s)
        {
            return new("stability", segment.Segment, GuardrailStatus.Warn, $"stability warn: segment '{segment.Segment}' is new; the previous refresh has no segment of that name", Evidence());
        }
        bool low = s.Jaccard < floor;
        string numbers = F($"Jaccard {s.Jaccard:0.000} with the previous refresh ({s.Retained:N0} kept, {s.ChurnIn:N0} joined = {100 * s.ChurnInShare:0.0} %, {s.ChurnOut:N0} left = {100 * s.ChurnOutShare:0.0} %)");
        string message = low
            ? F($"stability breach: segment '{segment.Segment}' {numbers}, below the floor {floor:0.###}")
            : F($"stability pass: segment '{segment.Segment}' {numbers}");
        return new("stability", segment.Segment, low ? GuardrailStatus.Breach : GuardrailStatus.Pass, message,
            Evidence(("jaccard", s.Jaccard), ("floor", floor), ("current", s.Current), ("previous", s.Previous), ("churnIn", s.ChurnIn), ("churnOut", s.ChurnOut)));
    }

    // One SRM test per segment and one over everyone: Holm's adjustment keeps the chance of any false alarm under the threshold.
    private static Dictionary<HoldoutBalance, double> AdjustedSampleRatios(IReadOnlyList<SegmentValidation> segments, HoldoutBalance? all)
    {
        var tested = segments.Select(s => s.Balance).Append(all).Where(b => b?.SampleRatio is not null).Select(b => b!).ToArray();
        var adjusted = MultipleTesting.Holm(tested.Select(b => b.SampleRatio!.PValue).ToArray());
        var byBalance = new Dictionary<HoldoutBalance, double>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < tested.Length; i++)
        {
            byBalance[tested[i]] = adjusted[i];
        }
        return byBalance;
    }

    private static IEnumerable<ValidationCheck> Balance(string? segment, HoldoutBalance balance, Dictionary<HoldoutBalance, double> adjusted, AudienceValidationOptions options)
    {
        string who = segment is null ? "all assigned customers" : $"segment '{segment}'";
        var imbalanced = balance.Imbalanced(options.MaxSmd);
        var worst = balance.Differences.Where(d => !double.IsNaN(d.D)).OrderByDescending(d => Math.Abs(d.D)).FirstOrDefault();
        string worstText = worst is null ? "no covariate with values in both arms" : F($"largest |d| {Math.Abs(worst.D):0.000} ({worst.Covariate}, {worst.Arm} vs {balance.Arms[balance.Holdout]}: mean {worst.ArmMean:0.##} vs {worst.HoldoutMean:0.##})");
        // Only a difference a correct assignment would almost never show breaches; in a small group it is a warning.
        var decisive = imbalanced.Where(d => d.IsDecisive(options.MaxSmd)).ToArray();
        var evidence = Evidence(("maxAbsD", balance.MaxAbsD), ("maxSmd", options.MaxSmd), ("imbalanced", imbalanced.Count));
        if (imbalanced.Count == 0)
        {
            yield return new("balance", segment, GuardrailStatus.Pass, F($"balance pass: {who}, {worstText}, below {options.MaxSmd:0.###}"), evidence);
        }
        else if (decisive.Length > 0)
        {
            yield return new("balance", segment, GuardrailStatus.Breach,
                F($"balance breach: {who}, {imbalanced.Count} of {balance.Differences.Count} covariate differences with |d| ≥ {options.MaxSmd:0.###}; {worstText}"), evidence);
        }
        else
        {
            var first = worst ?? imbalanced[0];
            yield return new("balance", segment, GuardrailStatus.Warn,
                F($"balance warn: {who}, {imbalanced.Count} of {balance.Differences.Count} covariate differences with |d| ≥ {options.MaxSmd:0.###}; {worstText}; too few customers to tell from chance (SE of d {first.StandardError:0.000}, a correct assignment crosses {options.MaxSmd:0.###} with probability {first.FalseAlarmProbability(options.MaxSmd):0.###})"),
                evidence);
        }
        if (balance.SampleRatio is { } srm)
        {
            string counts = string.Join(", ", balance.Arms.Select((arm, i) => F($"{arm} {balance.Counts[i]:N0} (plan {100 * balance.PlannedShares![i]:0.0} %)")));
            double holm = adjusted[balance];
            bool mismatch = holm < options.SrmThreshold;
            string p = adjusted.Count > 1 ? F($"p = {srm.PValue:G3}, {holm:G3} Holm-adjusted over {adjusted.Count} groups") : F($"p = {srm.PValue:G3}");
            yield return new("sample-ratio", segment, mismatch ? GuardrailStatus.Breach : GuardrailStatus.Pass,
                F($"sample-ratio {(mismatch ? "breach" : "pass")}: {who}, {counts}; χ² = {srm.ChiSquare:0.00}, {p}{(mismatch ? F($" < {options.SrmThreshold:G3}") : "")}"),
                Evidence(("chiSquare", srm.ChiSquare), ("pValue", srm.PValue), ("pValueAdjusted", holm), ("threshold", options.SrmThreshold)));
        }
    }

    private static ValidationCheck Composition(SegmentValidation segment)
    {
        var flagged = segment.Composition.Where(g => g.UnderRepresented).ToArray();
        if (flagged.Length == 0)
        {
            return new("composition", segment.Segment, GuardrailStatus.Pass, $"composition pass: segment '{segment.Segment}' has every country and age band of 1 % or more of the customers", Evidence());
        }
        string groups = string.Join(", ", flagged.Select(g => F($"{g.Dimension} {g.Group} {100 * g.SegmentShare:0.0} % of members vs {100 * g.PopulationShare:0.0} % of customers")));
        return new("composition", segment.Segment, GuardrailStatus.Warn, $"composition warn: segment '{segment.Segment}' all but leaves out {groups}",
            Evidence(("underRepresented", flagged.Length)));
    }

    private static Dictionary<string, double> Evidence(params (string Name, double Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
