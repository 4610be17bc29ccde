using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The release step of a holdout measurement: known cases of small-cell suppression, the decision when the primary row
/// is suppressed, the config, and the property that random holdouts with small cells release no small cell in any form.
/// </summary>
public sealed class ReleasePolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 6, 0, 0, TimeSpan.Zero);

    private static HoldoutContrast Row(string treatment, string control, long nt, long nc, double absolute, string? segment = null, string? surface = null) => new()
    {
        Treatment = treatment, Control = control, Metric = "revenue", Segment = segment, Surface = surface,
        TreatmentN = nt, ControlN = nc, TreatmentMean = 20 + absolute, ControlMean = 20, Absolute = absolute, AbsoluteStandardError = 0.5,
        Ci = new(absolute - 1, absolute + 1), Relative = absolute / 20, RelativeStandardError = 0.025,
        RelativeCi = new(absolute / 20 - 0.05, absolute / 20 + 0.05), AlwaysValidCi = new(absolute - 2, absolute + 2),
        AlwaysValidRelativeCi = new(absolute / 20 - 0.1, absolute / 20 + 0.1), PValue = 0.2,
        PAdjusted = segment is null && surface is null ? null : 0.4,
    };

    [Fact]
    public void Nothing_is_suppressed_when_every_cell_has_the_minimum()
    {
        var m = new HoldoutMeasurement("holdout", 0.95, [new ArmCount("holdout", 1000, 0, 0), new ArmCount("vbo", 1000, 800, 400)],
            [Row("vbo", "holdout", 1000, 1000, 1.5), Row("vbo", "holdout", 950, 950, 1.2, "a"), Row("vbo", "holdout", 50, 50, 7, "b")], [], []);

        var released = ReleasePolicy.Default.Release(m);

        Assert.Equal(m.Contrasts, released.Contrasts);
        Assert.Equal(m.Arms, released.Arms);
        Assert.Equal(50, released.SuppressedBelow);
    }

    [Fact]
    public void A_small_segment_is_suppressed_with_the_cheapest_segment_that_would_give_it_away()
    {
        var m = new HoldoutMeasurement("holdout", 0.95, [new ArmCount("holdout", 1000, 0, 0), new ArmCount("vbo", 1000, 800, 400)],
            [Row("vbo", "holdout", 1000, 1000, 1.5), Row("vbo", "holdout", 600, 600, 1.2, "a"), Row("vbo", "holdout", 370, 380, 1.1, "b"),
                Row("vbo", "holdout", 30, 20, 9.875, "c")], [], []);

        var released = ReleasePolicy.Default.Release(m);

        // c (20 customers in the holdout) is primary; with the overall row released, b must go too, or c = overall − a − b.
        Assert.Equal([false, false, true, true], released.Contrasts.Select(c => c.Suppressed));
        Assert.All(released.Arms, a => Assert.False(a.Suppressed));
        var c = released.Contrasts[3];
        Assert.Equal(("vbo", "holdout", "c", 0L, 0L), (c.Treatment, c.Control, c.Segment, c.TreatmentN, c.ControlN));
        Assert.True(double.IsNaN(c.Absolute) && double.IsNaN(c.Ci.Lower) && c.PAdjusted is null && c.Iroas is null);
    }

    [Fact]
    public void A_small_arm_hides_itself_another_arm_every_row_they_touch_and_the_guardrail_details_and_the_decision_says_why()
    {
        var srm = new GuardrailResult(HoldoutGuardrails.Srm, GuardrailStatus.Breach, "Sample ratio mismatch: holdout 1.79% (planned 20%), …",
            new Dictionary<string, double> { ["share.holdout"] = 40 / 2240.0 }) { Findings = ["srm"] };
        var m = new HoldoutMeasurement("holdout", 0.95,
            [new ArmCount("holdout", 40, 0, 0), new ArmCount("vbo", 1000, 800, 400), new ArmCount("vbo_1p", 1200, 900, 480)],
            [Row("vbo", "holdout", 1000, 40, 2), Row("vbo_1p", "holdout", 1200, 40, 3), Row("vbo_1p", "vbo", 1200, 1000, 0.75)], [], [srm])
        { PrimaryContrast = new ArmContrast("vbo_1p", "vbo") };

        var released = ReleasePolicy.Default.Release(m);
        var report = HoldoutReport.Create("small-arm", "run-1", Now, released, daysSoFar: 10);

        // The list 40, 1000, 1200 with its total: 40 is primary and vbo (the smaller of the others) complementary.
        Assert.Equal([true, true, false], released.Arms.Select(a => a.Suppressed));
        Assert.All(released.Contrasts, c => Assert.True(c.Suppressed));
        // The SRM breach still holds the decision, but its shares (which with vbo_1p's count give the holdout's) are withheld.
        var withheld = Assert.Single(released.Guardrails);
        Assert.Equal((GuardrailStatus.Breach, "breach; details withheld because an arm or overall row is suppressed (fewer than 50 customers).", 0, "srm"),
            (withheld.Status, withheld.Message, withheld.Evidence.Count, Assert.Single(withheld.Findings)));
        Assert.Equal(Recommendation.Hold, report.Recommendation);
        Assert.Equal("Campaign small-arm: vbo_1p vs vbo on revenue: suppressed (< 50 customers); recommendation hold.", HoldoutReport.Headline(report));
        var unbreached = HoldoutReport.Create("small-arm", "run-1", Now, released with { Guardrails = [] }, daysSoFar: 10);
        Assert.Equal(Recommendation.Extend, unbreached.Recommendation);
        Assert.Contains("suppressed: too few customers to release", unbreached.RecommendationReason, StringComparison.Ordinal);
        string markdown = HoldoutReport.ToMarkdown(report);
        Assert.Contains(@"| vbo\_1p vs vbo | revenue | suppressed (&lt; 50 customers) |", markdown, StringComparison.Ordinal);
        Assert.Contains("<td>holdout</td><td colspan=\"3\">suppressed (&lt; 50 customers)</td>", HoldoutReport.ToHtml(report), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(ReportText(report, ReportJson.Write));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("dataset").GetProperty("customers").ValueKind);
        var holdout = json.RootElement.GetProperty("arms")[0];
        Assert.Equal(["arm", "suppressed"], holdout.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("1,000", HoldoutReport.ToHtml(report), StringComparison.Ordinal);
        Assert.DoesNotContain("1.79%", HoldoutReport.ToHtml(report) + markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void The_effects_by_group_are_checked_again_on_the_released_markets_only()
    {
        // vbo beats the holdout overall and in de, fr and it; es (30 holdout customers) is harmed, and with it the check breaches.
        HoldoutContrast Market(string market, long n, double relative) => Row("vbo", "holdout", n, n, 20 * relative) with { Market = market, RelativeStandardError = 0.01 };
        var contrasts = new[]
        {
            Row("vbo", "holdout", 3030, 3030, 1) with { RelativeStandardError = 0.01 }, Market("de", 1000, 0.06), Market("fr", 1000, 0.06), Market("it", 1000, 0.06), Market("es", 30, -0.2),
        };
        var fairness = GroupFairness.Check(contrasts, contrasts[0], new GuardrailThresholds(), 0.05);
        var measurement = new HoldoutMeasurement("holdout", 0.95, [new ArmCount("holdout", 3030, 0, 0), new ArmCount("vbo", 3030, 2800, 1200)], contrasts, [],
            [GroupFairness.Guardrail(fairness)!]) { Fairness = fairness };
        Assert.Equal(GuardrailStatus.Breach, measurement.Guardrails[0].Status);

        var released = ReleasePolicy.Default.Release(measurement);

        // es is primary; de (the first of the cheapest complements) goes with it; fr and it are checked, and agree.
        Assert.Equal(["de", "es"], released.Contrasts.Where(c => c.Suppressed).Select(c => c.Market!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["fr", "it"], Assert.Single(released.Fairness).Result.Groups.Select(g => g.Group).ToArray());
        var guardrail = Assert.Single(released.Guardrails);
        Assert.Equal(GuardrailStatus.Pass, guardrail.Status);
        Assert.DoesNotContain(guardrail.Evidence.Keys, k => k.EndsWith(".es", StringComparison.Ordinal) || k.EndsWith(".de", StringComparison.Ordinal));
    }

    [Fact]
    public void A_holdout_reads_the_privacy_minimum_and_rejects_a_bad_one_by_its_path()
    {
        const string head = """{"id": "p", "name": "P", "metrics": ["revenue"], "treatment": {"start": "2026-10-01"}, """;
        CampaignConfig Parse(string rest) => CampaignConfig.Parse("p", Encoding.UTF8.GetBytes(head + rest + "}"));

        Assert.Equal(50, Parse(""" "design": "holdout" """).Privacy.MinimumCustomers);
        Assert.Equal(100, Parse(""" "design": "holdout", "privacy": {"minimumCustomers": 100} """).Privacy.MinimumCustomers);
        var error = Assert.Throws<CampaignConfigException>(() => Parse(""" "design": "holdout", "privacy": {"minimumCustomers": 0, "noize": 1} """));
        Assert.Equal(["privacy.noize", "privacy.minimumCustomers"], error.Errors.Select(e => e.Path));
        Assert.StartsWith("campaigns/p/campaign.json has 2 problems: privacy.noize: is not a known property", error.Message, StringComparison.Ordinal);
        var panel = Assert.Throws<CampaignConfigException>(() => Parse(""" "design": "panel", "privacy": {"minimumCustomers": 10} """));
        Assert.Equal("privacy", Assert.Single(panel.Errors).Path);
    }

    [Fact]
    public void Random_holdouts_with_small_cells_release_no_small_cell_directly_by_difference_or_in_any_report_bytes()
    {
        var random = new Random(16);
        int suppressedRows = 0, complementaryRows = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var truth = RandomHoldout(random, trial);
            var released = ReleasePolicy.Default.Release(truth.Measurement);
            var visible = Visible(released);

            foreach (var (key, n) in truth.Cells)
            {
                if (n < 50)
                {
                    Assert.False(visible.Cells.ContainsKey(key), $"trial {trial}: small cell {key} = {n} is shown");
                }
            }
            foreach (var (cell, n) in Determined(truth, visible))
            {
                Assert.True(n >= 50, $"trial {trial}: small cell {cell} = {n} can be recomputed from the released counts; truth {string.Join(", ", truth.Cells.Select(c => $"{c.Key.Breakdown}/{c.Key.Arm}/{c.Key.Value}={c.Value}{(visible.Cells.ContainsKey(c.Key) ? "" : "*")}"))}");
            }
            var report = HoldoutReport.Create("random", "run-1", Now, released);
            string bytes = HoldoutReport.ToHtml(report) + HoldoutReport.ToMarkdown(report) + ReportText(report, ReportJson.Write);
            foreach (var (original, shown) in truth.Measurement.Contrasts.Zip(released.Contrasts))
            {
                if (!shown.Suppressed)
                {
                    continue;
                }
                suppressedRows++;
                complementaryRows += Math.Min(original.TreatmentN, original.ControlN) >= 50 ? 1 : 0;
                Assert.DoesNotContain(ReportTextNumber(original.Absolute), bytes, StringComparison.Ordinal);
                Assert.DoesNotContain(original.Absolute.ToString("R", CultureInfo.InvariantCulture), bytes, StringComparison.Ordinal);
            }
            using var json = JsonDocument.Parse(ReportText(report, ReportJson.Write));
            foreach (var row in json.RootElement.GetProperty("contrasts").EnumerateArray().Where(r => r.TryGetProperty("suppressed", out _)))
            {
                Assert.DoesNotContain(row.EnumerateObject(), p => p.Value.ValueKind == JsonValueKind.Number);
            }
        }
        Assert.True(suppressedRows > 300 && complementaryRows > 100, $"exercised: {suppressedRows} suppressed rows, {complementaryRows} of them large");
    }

    private static string ReportTextNumber(double value) => LiftPipeline.Pipeline.Reports.ReportText.Number(value);

    private static string ReportText(HoldoutReport report, Action<HoldoutReport, Stream> write)
    {
        using var stream = new MemoryStream();
        write(report, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A cell: breakdown ("arm" for an arm's total, "segment", "surface"), arm, value ("" for a total, "(none)" for customers without a value).</summary>
    private readonly record struct Cell(string Breakdown, string Arm, string Value);

    private sealed record Truth(HoldoutMeasurement Measurement, Dictionary<Cell, long> Cells, string[] Arms, Dictionary<string, string[]> Values);

    private sealed record Shown(Dictionary<Cell, long> Cells, long? Customers);

    /// <summary>2–3 arms, 2–4 segments and 2 surfaces per arm, about a fifth of cells small, some customers without a segment, an arm small now and then.</summary>
    private static Truth RandomHoldout(Random random, int trial)
    {
        string[] arms = random.Next(2) == 0 ? ["holdout", "vbo"] : ["holdout", "vbo", "vbo_1p"];
        string[] segments = [.. new[] { "new", "regular", "vip", "lapsed" }.Take(random.Next(2, 5))];
        string[] surfaces = ["app", "web"];
        var cells = new Dictionary<Cell, long>();
        long Size() => random.NextDouble() < 0.2 ? random.Next(1, 50) : random.Next(50, 900);
        foreach (string arm in arms)
        {
            bool smallArm = random.NextDouble() < 0.05;
            long total = 0;
            foreach (string s in segments)
            {
                total += cells[new("segment", arm, s)] = smallArm ? random.Next(1, 10) : Size();
            }
            if (random.NextDouble() < 0.3)
            {
                total += cells[new("segment", arm, "(none)")] = random.Next(1, 80);
            }
            long app = Math.Min(total, Size());
            cells[new("surface", arm, "app")] = app;
            cells[new("surface", arm, "web")] = total - app;
            cells[new("arm", arm, "")] = total;
        }
        var contrasts = new List<HoldoutContrast>();
        int k = 0;
        // A distinct absolute effect per row (never a whole number, nor another row's bound), so its text could only come from that row.
        double Next() => 100_000.0625 + 10.125 * ++k + 10_000 * trial;
        foreach (string treatment in arms.Skip(1))
        {
            contrasts.Add(Row(treatment, "holdout", cells[new("arm", treatment, "")], cells[new("arm", "holdout", "")], Next()));
        }
        foreach (var (breakdown, values) in new[] { ("segment", segments), ("surface", surfaces) })
        {
            foreach (string treatment in arms.Skip(1))
            {
                foreach (string v in values)
                {
                    long nt = cells[new(breakdown, treatment, v)], nc = cells[new(breakdown, "holdout", v)];
                    contrasts.Add(breakdown == "segment" ? Row(treatment, "holdout", nt, nc, Next(), segment: v) : Row(treatment, "holdout", nt, nc, Next(), surface: v));
                }
            }
        }
        var measurement = new HoldoutMeasurement("holdout", 0.95, [.. arms.Select(a => new ArmCount(a, cells[new("arm", a, "")], 0, 0))], contrasts, [], []);
        return new(measurement, cells, arms, new() { ["segment"] = [.. segments, "(none)"], ["surface"] = surfaces });
    }

    /// <summary>Every count a reader of the released measurement sees.</summary>
    private static Shown Visible(HoldoutMeasurement released)
    {
        var cells = new Dictionary<Cell, long>();
        foreach (var arm in released.Arms.Where(a => !a.Suppressed))
        {
            cells[new("arm", arm.Arm, "")] = arm.N;
        }
        foreach (var c in released.Contrasts.Where(c => !c.Suppressed))
        {
            var (breakdown, value) = c.Segment is { } s ? ("segment", s) : c.Surface is { } f ? ("surface", f) : ("arm", "");
            cells[new(breakdown, c.Treatment, value)] = c.TreatmentN;
            cells[new(breakdown, c.Control, value)] = c.ControlN;
        }
        bool anyHidden = released.Arms.Any(a => a.Suppressed);
        return new(cells, anyHidden ? null : released.Arms.Sum(a => a.N));
    }

    /// <summary>
    /// The hidden cells the shown counts determine, by the rank test: with A the additivity equations (each arm's total is
    /// the sum of its cells in each breakdown; the arms add up to the shown customers) restricted to the hidden cells,
    /// cell e is determined iff dropping its column lowers the rank of A.
    /// </summary>
    private static List<(Cell, long)> Determined(Truth truth, Shown shown)
    {
        var unknowns = truth.Cells.Keys.Where(c => !shown.Cells.ContainsKey(c)).ToList();
        var determined = new List<(Cell, long)>();
        if (unknowns.Count == 0)
        {
            return determined;
        }
        var equations = new List<double[]>();
        foreach (var (breakdown, values) in truth.Values)
        {
            foreach (string arm in truth.Arms)
            {
                var row = new double[unknowns.Count];
                Coefficient(row, unknowns, new("arm", arm, ""), 1);
                foreach (string v in values)
                {
                    Coefficient(row, unknowns, new(breakdown, arm, v), -1);
                }
                equations.Add(row);
            }
        }
        if (shown.Customers is not null)
        {
            var row = new double[unknowns.Count];
            foreach (string arm in truth.Arms)
            {
                Coefficient(row, unknowns, new("arm", arm, ""), 1);
            }
            equations.Add(row);
        }
        int rank = Rank(equations, -1);
        for (int u = 0; u < unknowns.Count; u++)
        {
            if (Rank(equations, u) < rank)
            {
                determined.Add((unknowns[u], truth.Cells[unknowns[u]]));
            }
        }
        return determined;
    }

    /// <summary>The rank of the equations without column <paramref name="drop"/> (−1: all), by elimination; the coefficients are small integers.</summary>
    private static int Rank(List<double[]> equations, int drop)
    {
        var rows = equations.Select(e => e.Where((_, j) => j != drop).ToArray()).ToList();
        int rank = 0, columns = rows.Count == 0 ? 0 : rows[0].Length;
        for (int j = 0; j < columns && rank < rows.Count; j++)
        {
            int pivot = Enumerable.Range(rank, rows.Count - rank).FirstOrDefault(i => Math.Abs(rows[i][j]) > 1e-9, -1);
            if (pivot < 0)
            {
                continue;
            }
            (rows[rank], rows[pivot]) = (rows[pivot], rows[rank]);
            for (int i = 0; i < rows.Count; i++)
            {
                if (i != rank && Math.Abs(rows[i][j]) > 1e-9)
                {
                    double f = rows[i][j] / rows[rank][j];
                    for (int c = 0; c < columns; c++)
                    {
                        rows[i][c] -= f * rows[rank][c];
                    }
                }
            }
            rank++;
        }
        return rank;
    }

    private static void Coefficient(double[] row, List<Cell> unknowns, Cell cell, double value)
    {
        int i = unknowns.IndexOf(cell);
        if (i >= 0)
        {
            row[i] = value;
        }
    }
}
