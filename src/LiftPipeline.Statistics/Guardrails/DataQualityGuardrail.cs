using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Guardrails;

/// <summary>
/// Data quality of a panel's period sequence: missing periods (gaps wider than the expected step, the most common
/// difference between consecutive periods; date and integer periods) and late data (the end of the last period, i.e.
/// last + step, more than <see cref="GuardrailThresholds.LateAfterDays"/> days before "now"; date and timestamp periods).
/// Gaps within <see cref="GuardrailThresholds.MaxMissingPeriods"/> warn, more breach; late data breaches.
/// "Now" is injected, never read from the clock. Immutable and thread-safe.
/// </summary>
public sealed class DataQualityGuardrail
{
    /// <summary>The guardrail's name in results and alerts.</summary>
    public const string Name = "data-quality";

    /// <summary>The finding of periods missing from the sequence.</summary>
    public const string MissingPeriodsFinding = "missing-periods";

    /// <summary>The finding of data that stopped arriving.</summary>
    public const string LateFinding = "late";

    /// <summary>The finding of daily cells outside their series' tails (<see cref="SpikeDetector"/>).</summary>
    public const string SpikesFinding = "spikes";

    private const int SpikesInMessage = 5;
    private const long MicrosPerDay = 86_400_000_000;
    private readonly GuardrailThresholds _thresholds;

    /// <summary>A check with the given thresholds (defaults: no missing periods, late after 3 days).</summary>
    public DataQualityGuardrail(GuardrailThresholds? thresholds = null) => _thresholds = thresholds ?? new GuardrailThresholds();

    /// <summary>
    /// Checks <paramref name="panel"/>'s periods as of <paramref name="now"/> and, for daily panels, each metric's series
    /// for spikes (<see cref="SpikeDetector"/>, default options): spikes warn, with unit, day and probability.
    /// </summary>
    public GuardrailResult Check(Panel panel, DateTimeOffset now) => WithSpikes(Check(panel.Periods, now), panel);

    private static GuardrailResult WithSpikes(GuardrailResult periods, Panel panel)
    {
        if (panel.Periods.Count < 2 || panel.Periods[0].Kind != PeriodKind.Date || periods.Evidence["step"] != 1)
        {
            return periods;
        }
        var options = new SpikeDetectorOptions();
        var found = new List<string>();
        int count = 0;
        foreach (string metric in panel.MetricNames)
        {
            var matrix = panel.Metric(metric);
            foreach (var spike in SpikeDetector.Detect(matrix.Values, matrix.Units, matrix.Periods, options).Spikes)
            {
                count++;
                if (found.Count < SpikesInMessage)
                {
                    found.Add($"{panel.Units[spike.Unit]} {panel.Periods[spike.Period]} {metric} {spike.Value:G6} against a baseline of {spike.Baseline:G6} (p = {spike.Probability:G2})");
                }
            }
        }
        if (count == 0)
        {
            return periods;
        }
        var evidence = new Dictionary<string, double>(periods.Evidence) { ["spikes"] = count };
        string spikes = $"{count} spike(s) in the daily series (two-sided tail probability below {options.Threshold:G3}): {string.Join("; ", found)}{(count > found.Count ? "; …" : "")}";
        string message = periods.Status == GuardrailStatus.Pass ? char.ToUpperInvariant(spikes[0]) + spikes[1..] + "." : periods.Message.TrimEnd('.') + "; " + spikes + ".";
        var status = periods.Status == GuardrailStatus.Pass ? GuardrailStatus.Warn : periods.Status;
        return new(Name, status, message, evidence) { Findings = [.. periods.Findings, SpikesFinding] };
    }

    /// <summary>Checks an ascending period sequence as of <paramref name="now"/>.</summary>
    public GuardrailResult Check(IReadOnlyList<Period> periods, DateTimeOffset now)
    {
        var evidence = new Dictionary<string, double> { ["periods"] = periods.Count };
        if (periods.Count < 2)
        {
            return new(Name, GuardrailStatus.Warn, $"Only {periods.Count} period(s): the period step, gaps and lateness cannot be judged.", evidence);
        }
        long step = Step(periods);
        evidence["step"] = step;
        var problems = new List<string>();
        var findings = new List<string>();
        var status = GuardrailStatus.Pass;
        if (periods[0].Kind != PeriodKind.Timestamp)
        {
            var (missing, firstGap) = Missing(periods, step);
            evidence["missingPeriods"] = missing;
            evidence["maxMissingPeriods"] = _thresholds.MaxMissingPeriods;
            if (missing > 0)
            {
                status = missing > _thresholds.MaxMissingPeriods ? GuardrailStatus.Breach : GuardrailStatus.Warn;
                findings.Add(MissingPeriodsFinding);
                problems.Add($"{missing} missing period(s) in the sequence (step {step}; first gap after {periods[firstGap]}, next period {periods[firstGap + 1]}), "
                    + $"{(status == GuardrailStatus.Breach ? "more than" : "within")} the {_thresholds.MaxMissingPeriods} allowed");
            }
        }
        if (periods[0].Kind != PeriodKind.Integer)
        {
            double age = AgeInDays(periods[^1], step, now);
            evidence["daysSinceLastPeriodEnded"] = age;
            evidence["lateAfterDays"] = _thresholds.LateAfterDays;
            if (age > _thresholds.LateAfterDays)
            {
                status = GuardrailStatus.Breach;
                findings.Add(LateFinding);
                problems.Add($"the data is late: the last period {periods[^1]} ended {age:0.#} days before {now:yyyy-MM-dd HH:mm}Z (limit {_thresholds.LateAfterDays} days); check that the export job still runs");
            }
        }
        string message = problems.Count == 0
            ? $"Periods are complete and current: {periods.Count} periods from {periods[0]} to {periods[^1]}, step {step}."
            : char.ToUpperInvariant(problems[0][0]) + string.Join("; ", problems)[1..] + ".";
        return new(Name, status, message, evidence) { Findings = findings };
    }

    /// <summary>The most common positive difference between consecutive periods (the smallest on ties).</summary>
    private static long Step(IReadOnlyList<Period> periods) =>
        Enumerable.Range(1, periods.Count - 1)
            .Select(t => periods[t].Value - periods[t - 1].Value)
            .GroupBy(d => d)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .First().Key;

    /// <summary>Periods the step says should lie between consecutive periods; and the index before the first gap.</summary>
    private static (long Missing, int FirstGap) Missing(IReadOnlyList<Period> periods, long step)
    {
        long missing = 0;
        int first = -1;
        for (int t = 1; t < periods.Count; t++)
        {
            long gap = periods[t].Value - periods[t - 1].Value;
            if (gap > step)
            {
                missing += (gap + step - 1) / step - 1;
                first = first < 0 ? t - 1 : first;
            }
        }
        return (missing, first);
    }

    /// <summary>Days from the end of the last period (its start plus one step) to <paramref name="now"/>.</summary>
    private static double AgeInDays(Period last, long step, DateTimeOffset now)
    {
        double nowDays = (now.UtcDateTime - DateTime.UnixEpoch).TotalDays;
        double endDays = last.Kind == PeriodKind.Date ? last.Value + step : (double)(last.Value + step) / MicrosPerDay;
        return nowDays - endDays;
    }
}
