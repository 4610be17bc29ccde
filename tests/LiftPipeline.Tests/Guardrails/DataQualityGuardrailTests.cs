using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Guardrails;

public sealed class DataQualityGuardrailTests
{
    private static readonly DateOnly March1 = new(2024, 3, 1);

    /// <summary>Two units (one treated from the last period) over the given periods, metric m all zero.</summary>
    private static Panel PanelOver(params Period[] periods)
    {
        var treated = new bool[2 * periods.Length];
        treated[^1] = true;
        return new Panel(["a", "b"], periods, [new PanelMatrix("m", 2, periods.Length, new double[2 * periods.Length])], treated, null);
    }

    private static Period[] Days(params int[] offsets) => offsets.Select(d => Period.FromDate(March1.AddDays(d))).ToArray();

    private static DateTimeOffset At(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Complete_current_daily_data_passes()
    {
        var panel = PanelOver(Days(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));   // through March 10

        var result = new DataQualityGuardrail().Check(panel, At(2024, 3, 11, 12));

        Assert.Equal(GuardrailStatus.Pass, result.Status);
        Assert.Equal(0, result.Evidence["missingPeriods"]);
        Assert.Equal(1, result.Evidence["step"]);
        Assert.Equal(0.5, result.Evidence["daysSinceLastPeriodEnded"], 12);
    }

    [Fact]
    public void Two_missing_days_breach_when_none_are_allowed()
    {
        var panel = PanelOver(Days(0, 1, 2, 5, 6, 7, 8, 9));   // March 4 and 5 missing

        var result = new DataQualityGuardrail().Check(panel, At(2024, 3, 11));

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal(2, result.Evidence["missingPeriods"]);
        Assert.Contains("first gap after 2024-03-03, next period 2024-03-06", result.Message);
    }

    [Fact]
    public void Missing_periods_within_the_allowance_warn()
    {
        var panel = PanelOver(Days(0, 1, 2, 5, 6, 7, 8, 9));

        var result = new DataQualityGuardrail(new GuardrailThresholds { MaxMissingPeriods = 2 }).Check(panel, At(2024, 3, 11));

        Assert.Equal(GuardrailStatus.Warn, result.Status);
        Assert.Equal(2, result.Evidence["maxMissingPeriods"]);
    }

    [Fact]
    public void A_missing_week_in_weekly_data_counts_as_one_period()
    {
        var panel = PanelOver(Days(0, 7, 14, 28, 35, 42));

        var result = new DataQualityGuardrail().Check(panel, At(2024, 4, 12));

        Assert.Equal(7, result.Evidence["step"]);
        Assert.Equal(1, result.Evidence["missingPeriods"]);
    }

    [Fact]
    public void Integer_periods_are_checked_for_gaps_but_have_no_calendar_to_be_late_against()
    {
        var panel = PanelOver([.. new long[] { 1, 2, 3, 4, 7, 8, 9, 10 }.Select(Period.FromInteger)]);

        var result = new DataQualityGuardrail().Check(panel, At(2030, 1, 1));

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal(2, result.Evidence["missingPeriods"]);
        Assert.False(result.Evidence.ContainsKey("daysSinceLastPeriodEnded"));
    }

    [Fact]
    public void Daily_data_whose_last_day_ended_four_days_ago_is_late()
    {
        var panel = PanelOver(Days(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));   // last day March 10 ends March 11

        var late = new DataQualityGuardrail().Check(panel, At(2024, 3, 15));
        var onTime = new DataQualityGuardrail().Check(panel, At(2024, 3, 14));

        Assert.Equal(GuardrailStatus.Breach, late.Status);
        Assert.Equal(4, late.Evidence["daysSinceLastPeriodEnded"], 12);
        Assert.Contains("the data is late", late.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(GuardrailStatus.Pass, onTime.Status);
        Assert.Equal(3, onTime.Evidence["daysSinceLastPeriodEnded"], 12);
    }

    [Fact]
    public void Weekly_data_is_late_only_counting_from_the_end_of_its_last_week()
    {
        var panel = PanelOver(Days(0, 7, 14));   // last week starts March 15, ends March 22

        var result = new DataQualityGuardrail().Check(panel, At(2024, 3, 24));

        Assert.Equal(GuardrailStatus.Pass, result.Status);
        Assert.Equal(2, result.Evidence["daysSinceLastPeriodEnded"], 12);
    }

    [Fact]
    public void Hourly_timestamps_are_checked_for_lateness_only()
    {
        var start = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var panel = PanelOver([.. new[] { 0, 1, 2, 5 }.Select(h => Period.FromTimestamp(start.AddHours(h)))]);

        var result = new DataQualityGuardrail(new GuardrailThresholds { LateAfterDays = 1 }).Check(panel, At(2024, 3, 3));

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal(2 - 6.0 / 24, result.Evidence["daysSinceLastPeriodEnded"], 9);
        Assert.False(result.Evidence.ContainsKey("missingPeriods"));
    }

    [Fact]
    public void Late_data_with_missing_periods_names_both_problems()
    {
        var panel = PanelOver(Days(0, 1, 3));

        var result = new DataQualityGuardrail().Check(panel, At(2024, 4, 1));

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.StartsWith("1 missing period(s)", result.Message);
        Assert.Contains("; the data is late", result.Message);
    }

    [Fact]
    public void A_single_period_cannot_be_judged_and_warns()
    {
        var result = new DataQualityGuardrail().Check(Days(0), At(2024, 3, 2));

        Assert.Equal(GuardrailStatus.Warn, result.Status);
    }

    [Fact]
    public void A_spike_in_a_daily_series_warns_with_its_unit_day_and_probability()
    {
        const int units = 30, days = 70;
        var rng = new Random(4);
        var values = new double[units * days];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 100 + 10 * (i % days % 7) + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        }
        values[3 * days + 50] += 40;
        var periods = Enumerable.Range(0, days).Select(d => Period.FromDate(March1.AddDays(d))).ToArray();
        var panel = new Panel(Enumerable.Range(0, units).Select(u => $"u{u}").ToArray(), periods, [new PanelMatrix("m", units, days, values)], new bool[units * days], null);

        var result = new DataQualityGuardrail().Check(panel, At(2024, 5, 10));

        Assert.Equal(GuardrailStatus.Warn, result.Status);
        Assert.Equal([DataQualityGuardrail.SpikesFinding], result.Findings);
        Assert.InRange(result.Evidence["spikes"], 1, 5);   // the injected one, plus ~1.3 false flags expected in 1,260 scored cells at 0.001 (at most 4 with 99% probability)
        Assert.StartsWith($"{result.Evidence["spikes"]} spike(s) in the daily series (two-sided tail probability below 0.001): ", result.Message);
        Assert.Contains("u3 2024-04-20 m", result.Message);
        Assert.Equal(GuardrailStatus.Pass, new DataQualityGuardrail().Check(panel.Periods, At(2024, 5, 10)).Status);
    }
}
