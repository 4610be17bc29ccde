using System.Globalization;
using System.Text.Json;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// A validation from files with known answers: 20,000 customers (<see cref="CustomerExportKit"/>), three segments
/// (<c>germans</c>: country DE; <c>big-spenders</c>: revenue over 1,000; <c>tiny</c>: the first 500 ids), a previous
/// refresh, and a correct or a tampered 10/90 hash assignment. Every number is checked against DuckDB on the same files.
/// </summary>
public sealed class AudienceValidationTests : IDisposable
{
    private const string Id = "CAST(substr(customer_id, 2) AS INTEGER)";
    private readonly string _folder = Directory.CreateTempSubdirectory("validation-").FullName;
    private readonly string _customers;
    private readonly string _members;
    private readonly string _previous;

    public AudienceValidationTests()
    {
        _customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(20_000), rowGroupSize: 7_000);
        _members = MembersFileKit.Write(_folder, "members.parquet", _customers,
            [("germans", "country = 'DE'"), ("big-spenders", "revenue > 1000"), ("tiny", $"{Id} < 500")]);
        _previous = MembersFileKit.Write(_folder, "previous.parquet", _customers,
            [("germans", "country = 'DE'"), ("big-spenders", "revenue > 950"), ("tiny", $"{Id} BETWEEN 250 AND 749")], asOf: "2026-05-31");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static long Count(string sql) => Convert.ToInt64(CustomerExportKit.Scalar(sql), CultureInfo.InvariantCulture);

    private async Task<string> AssignAsync()
    {
        string path = Path.Combine(_folder, "assignment.parquet");
        var assigner = new HoldoutAssigner("bargain-hunters", "spring-2026", BucketAllocation.FromShares([new("holdout", 0.1), new("vbo", 0.9)]));
        await using var input = await ExportFile.OpenAsync(_customers);
        await using var output = File.Create(path);
        await HoldoutAssignmentWriter.WriteAsync(CustomerExportReader.Open(input, new() { IdsOnly = true }), assigner, output);
        return path;
    }

    [Fact]
    public async Task Sizes_stability_overlap_and_composition_match_duckdb()
    {
        var report = await AudienceValidation.RunAsync(new(_customers, _members, _previous));

        Assert.Equal(("bargain-hunters", new DateOnly(2026, 6, 30), new DateOnly(2026, 5, 31), 20_000L), (report.Audience, report.AsOf, report.PreviousAsOf, report.Customers));
        Assert.Equal(["big-spenders", "germans", "tiny"], report.Segments.Select(s => s.Segment));
        long big = Count($"SELECT count(*) FROM '{_customers}' WHERE revenue > 1000");
        long bigBefore = Count($"SELECT count(*) FROM '{_customers}' WHERE revenue > 950");
        Assert.Equal([big, 5_000L, 500L], report.Segments.Select(s => s.Members));
        Assert.Equal(report.Segments.Select(s => s.Members), report.Segments.Select(s => s.InCustomers));
        // Every big spender of now was one before (revenue > 1000 implies > 950): nobody joined.
        var bigStability = report.Segments[0].Stability!;
        Assert.Equal((big, bigBefore, big, 0L, bigBefore - big), (bigStability.Current, bigStability.Previous, bigStability.Retained, bigStability.ChurnIn, bigStability.ChurnOut));
        Assert.Equal(big / (double)bigBefore, bigStability.Jaccard, 12);
        Assert.Equal(1.0, report.Segments[1].Stability!.Jaccard);
        // tiny: 0–499 now, 250–749 before: 250 kept of a union of 750.
        Assert.Equal(1.0 / 3, report.Segments[2].Stability!.Jaccard, 12);
        long shared = Count($"SELECT count(*) FROM '{_customers}' WHERE revenue > 1000 AND country = 'DE'");
        var overlap = report.Overlaps.Single(o => o.First == "big-spenders" && o.Second == "germans");
        Assert.Equal(shared, overlap.Shared);
        Assert.Equal(shared / (double)big, overlap.ShareOfFirst, 12);
        Assert.Equal(0, report.Overlaps.Single(o => o.First == "germans" && o.Second == "tiny").Shared - Count($"SELECT count(*) FROM '{_customers}' WHERE country = 'DE' AND {Id} < 500"));
        Assert.Equal([("country", "(null)"), ("country", "FR"), ("country", "NL")],
            report.Segments[1].Composition.Where(g => g.UnderRepresented).Select(g => (g.Dimension, g.Group)).Order());
        Assert.DoesNotContain(report.Segments[0].Composition, g => g.UnderRepresented);
        Assert.Null(report.Balance);
    }

    [Fact]
    public async Task Breaches_are_one_line_each_naming_check_segment_and_numbers()
    {
        var report = await AudienceValidation.RunAsync(new(_customers, _members, _previous));

        Assert.Equal(GuardrailStatus.Breach, report.Status);
        Assert.Equal(
        [
            "size-tiktok breach: segment 'tiny' has 500 members, below TikTok's minimum of 1,000",
            "stability breach: segment 'tiny' Jaccard 0.333 with the previous refresh (250 kept, 250 joined = 50.0 %, 250 left = 50.0 %), below the floor 0.8",
        ], report.AlertLines);
        var germans = report.Checks.Single(c => c.Check == "composition" && c.Segment == "germans");
        Assert.Equal(GuardrailStatus.Warn, germans.Status);
        Assert.Contains("country FR 0.0 % of members vs 25.0 % of customers", germans.Message, StringComparison.Ordinal);
        Assert.Equal(GuardrailStatus.Pass, report.Checks.Single(c => c.Check == "size-meta" && c.Segment == "tiny").Status);
        Assert.Equal(GuardrailStatus.Pass, report.Checks.Single(c => c.Check == "stability" && c.Segment == "big-spenders").Status);
    }

    [Fact]
    public async Task A_correct_hash_assignment_is_balanced_and_matches_its_planned_split()
    {
        string assignment = await AssignAsync();

        var report = await AudienceValidation.RunAsync(new(_customers, _members, null, assignment), new() { Surfaces = [ActivationSurface.Meta] });

        var all = report.Balance!;
        Assert.Equal(["holdout", "vbo"], all.Arms);
        Assert.Equal([0.1, 0.9], all.PlannedShares!);
        Assert.Equal(20_000, all.Counts.Sum());
        Assert.Equal(Count($"SELECT count(*) FROM '{assignment}' WHERE arm = 'holdout'"), all.Counts[0]);
        Assert.True(all.MaxAbsD < 0.1, $"max |d| {all.MaxAbsD}");
        Assert.True(all.SampleRatio!.PValue > 0.001, $"SRM p {all.SampleRatio.PValue}");
        Assert.Equal(RevenueD(assignment), all.Differences.Single(d => d.Covariate == "revenue").D, 9);
        Assert.All(report.Checks.Where(c => c.Segment is null), c => Assert.Equal(GuardrailStatus.Pass, c.Status));
        Assert.DoesNotContain(report.Checks, c => c.Status == GuardrailStatus.Breach);
    }

    [Fact]
    public async Task Moving_high_revenue_customers_to_the_holdout_breaches_balance_and_sample_ratio()
    {
        string correct = await AssignAsync();
        string tampered = MembersFileKit.WriteAssignment(_folder, "tampered.parquet",
            $"SELECT a.customer_id, CASE WHEN c.revenue > 1300 THEN 'holdout' ELSE a.arm END AS arm FROM '{correct}' a JOIN '{_customers}' c USING (customer_id)",
            "holdout=0.1,vbo=0.9");

        // Every count released (a minimum of 1): this test reads the verdicts' evidence, which a small cell would withhold.
        var report = await AudienceValidation.RunAsync(new(_customers, _members, null, tampered), new() { Surfaces = [ActivationSurface.Meta], MinimumCustomers = 1 });

        var all = report.Balance!;
        double d = RevenueD(tampered);
        Assert.Equal(d, all.Differences.Single(x => x.Covariate == "revenue").D, 9);
        Assert.True(d < -0.1, $"d {d}");
        long holdout = Count($"SELECT count(*) FROM '{tampered}' WHERE arm = 'holdout'");
        double e0 = 2_000, e1 = 18_000;
        double chi2 = (holdout - e0) * (holdout - e0) / e0 + (20_000 - holdout - e1) * (20_000 - holdout - e1) / e1;
        Assert.Equal(chi2, all.SampleRatio!.ChiSquare, 9);
        Assert.True(all.SampleRatio.PValue < 1e-6);
        // The sample-ratio verdicts are Holm-adjusted over the four groups tested (three segments and everyone).
        var raw = report.Segments.Select(x => x.Balance!.SampleRatio!.PValue).Append(all.SampleRatio.PValue).ToArray();
        var holm = LiftPipeline.Statistics.Experiments.Contrasts.MultipleTesting.Holm(raw);
        Assert.Equal(holm, report.Checks.Where(c => c.Check == "sample-ratio").Select(c => c.Evidence["pValueAdjusted"]));
        var lines = report.AlertLines;
        Assert.Equal(["orders", "revenue", "days_since_last_order"], all.Differences.Select(x => x.Covariate));
        Assert.Contains(all.Imbalanced(0.1), x => x.Covariate == "revenue");
        Assert.Contains(lines, l => l.StartsWith($"balance breach: all assigned customers, {all.Imbalanced(0.1).Count} of 3 covariate differences", StringComparison.Ordinal)
            && l.Contains(string.Create(CultureInfo.InvariantCulture, $"largest |d| {Math.Abs(all.MaxAbsD):0.000}"), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(string.Create(CultureInfo.InvariantCulture, $"sample-ratio breach: all assigned customers, holdout {holdout:N0} (plan 10.0 %), vbo {20_000 - holdout:N0} (plan 90.0 %); χ² = {chi2:0.00}"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_report_serialises_to_versioned_json_and_markdown()
    {
        var report = await AudienceValidation.RunAsync(new(_customers, _members, _previous, await AssignAsync()));

        using var json = JsonDocument.Parse(AudienceValidationJson.ToJson(report));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("audience-validation", root.GetProperty("kind").GetString());
        Assert.Equal("breach", root.GetProperty("status").GetString());
        Assert.Equal("2026-05-31", root.GetProperty("previousAsOf").GetString());
        Assert.Equal(["big-spenders", "germans", "tiny"], root.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("segment").GetString()));
        Assert.Equal(1.0 / 3, root.GetProperty("segments")[2].GetProperty("stability").GetProperty("jaccard").GetDouble(), 12);
        Assert.Equal(report.AlertLines, root.GetProperty("breaches").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(0.8, root.GetProperty("thresholds").GetProperty("jaccardFloor").GetDouble());
        Assert.Equal(report.Balance!.Counts[0], root.GetProperty("balance").GetProperty("arms")[0].GetProperty("n").GetInt64());
        string md = AudienceValidationText.ToMarkdown(report);
        Assert.Contains("## Breaches\n\n- size-tiktok breach: segment 'tiny' has 500 members", md, StringComparison.Ordinal);
        Assert.Contains("| segment | members | in export | meta ≥100 | google ≥100 | tiktok ≥1,000 | Jaccard | joined | left | max \\|d\\| | SRM p | composition |", md, StringComparison.Ordinal);
        Assert.Contains("## Balance: all assigned customers", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_and_gone_segments_and_members_missing_from_the_export_warn()
    {
        string members = MembersFileKit.WriteRows(_folder, "odd.parquet",
            $"SELECT customer_id, 'germans' AS segment FROM '{_customers}' WHERE country = 'DE' UNION ALL SELECT 'ghost-' || i, 'newcomers' FROM range(200) t(i)");

        var report = await AudienceValidation.RunAsync(new(_customers, members, _previous), new() { Surfaces = [ActivationSurface.Meta] });

        Assert.Equal(GuardrailStatus.Warn, report.Status);
        Assert.Equal((200L, 0L), (report.Segments[1].Members, report.Segments[1].InCustomers));
        var warnings = report.Checks.Where(c => c.Status == GuardrailStatus.Warn).Select(c => c.Message).ToArray();
        Assert.Contains("stability warn: segment 'newcomers' is new; the previous refresh has no segment of that name", warnings);
        Assert.Contains("stability warn: segment 'big-spenders' was in the previous refresh and is not in this one", warnings);
        Assert.Contains("stability warn: segment 'tiny' was in the previous refresh and is not in this one", warnings);
        Assert.Contains("coverage warn: segment 'newcomers' has 200 of 200 members not in the customers export; balance and composition leave them out", warnings);
        Assert.Equal(1.0, report.Segments[0].Stability!.Jaccard);
    }

    [Fact]
    public async Task A_numeric_extra_column_can_be_a_covariate_and_a_text_one_cannot()
    {
        string assignment = await AssignAsync();

        var report = await AudienceValidation.RunAsync(new(_customers, _members, null, assignment), new() { Covariates = ["basket_size", "days_since_first_order"] });
        var e = await Assert.ThrowsAsync<ExportValidationException>(() => AudienceValidation.RunAsync(new(_customers, _members, null, assignment), new() { Covariates = ["tier"] }));

        var basket = report.Balance!.Differences[0];
        Assert.Equal(("basket_size", 20_000L), (basket.Covariate, basket.ArmCount + basket.HoldoutCount));
        double d = Convert.ToDouble(CustomerExportKit.Scalar($"""
            WITH j AS (SELECT a.arm, c.basket_size AS y FROM '{assignment}' a JOIN '{_customers}' c USING (customer_id)),
                 m AS (SELECT arm, avg(y) AS mean, var_samp(y) AS v FROM j GROUP BY arm)
            SELECT (t.mean - h.mean) / sqrt((t.v + h.v) / 2) FROM m t, m h WHERE t.arm = 'vbo' AND h.arm = 'holdout'
            """), CultureInfo.InvariantCulture);
        Assert.Equal(d, basket.D, 9);
        Assert.Equal("wrong-type", e.Code);
        Assert.Contains("balance covariate 'tier' is not numeric", e.Message, StringComparison.Ordinal);
    }

    // d of revenue, vbo against holdout, by DuckDB: (mean_vbo − mean_holdout) / √((s²_vbo + s²_holdout)/2).
    private double RevenueD(string assignment) => Convert.ToDouble(CustomerExportKit.Scalar($"""
        WITH j AS (SELECT a.arm, c.revenue FROM '{assignment}' a JOIN '{_customers}' c USING (customer_id)),
             m AS (SELECT arm, avg(revenue) AS mean, var_samp(revenue) AS v FROM j GROUP BY arm)
        SELECT (t.mean - h.mean) / sqrt((t.v + h.v) / 2) FROM m t, m h WHERE t.arm = 'vbo' AND h.arm = 'holdout'
        """), CultureInfo.InvariantCulture);
}
