using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The audience refresh of the pipeline on the shipped sample (samples/customers, samples/audiences/spring): segment sizes
/// from DuckDB running the same SQL on the same file, the holdout assignment of exactly the segment's members, activation
/// files without a holdout customer, the validation report, idempotent reruns, and a bad customer export quarantined while
/// the previous one stays current.
/// </summary>
public sealed class AudienceRefreshTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);
    private static string SampleExport => Path.Combine(TestData.Samples(), "customers", "customers-2026-11-30.parquet");
    private static string SampleDefinition => Path.Combine(TestData.Samples(), "audiences", "spring", "audience.json");

    private static async Task<FolderStore> SampleStoreAsync(TempDirectory root, string? definition = null)
    {
        var store = new FolderStore(root.FullName);
        await store.WriteAsync("customers/customers-2026-11-30.parquet", await File.ReadAllBytesAsync(SampleExport));
        await store.WriteAsync("audiences/spring/audience.json", definition is null ? await File.ReadAllBytesAsync(SampleDefinition) : Encoding.UTF8.GetBytes(definition));
        return store;
    }

    private static Task<AudienceRefreshPass> RefreshAsync(FolderStore store) =>
        new AudienceRefreshHandler(store, new ManualClock(Now)).RefreshAsync(RunId.Parse("refresh"));

    private static long Scalar(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_sample_refresh_writes_members_assignment_activations_and_validation_with_DuckDBs_segment_sizes()
    {
        using var root = TestData.TempDirectory();
        var store = await SampleStoreAsync(root);

        var pass = await RefreshAsync(store);

        Assert.Equal("customers/customers-2026-11-30.parquet", pass.Export);
        Assert.Empty(pass.Quarantined);
        Assert.Empty(pass.Problems);
        var spring = Assert.Single(pass.Audiences);
        Assert.Equal(AudienceRefreshStatus.Refreshed, spring.Status);
        Assert.Equal(new DateOnly(2026, 11, 30), spring.AsOf);
        string file = SampleExport.Replace("'", "''");
        long bargain = Scalar($"SELECT count(*) FROM '{file}' WHERE discounted_orders::DOUBLE / nullif(orders, 0) >= 0.5 AND orders >= 2 AND last_order_date >= as_of - 365");
        long young = Scalar($"SELECT count(*) FROM '{file}' WHERE age_band IN ('18-24', '25-34')");
        Assert.Equal(3_598, bargain);   // the sizes samples/README.md states
        Assert.Equal(6_838, young);
        Assert.Equal(bargain, spring.Build!.Segments.Single(s => s.Segment == "bargain-hunters").Members);
        Assert.Equal(young, spring.Build.Segments.Single(s => s.Segment == "young-adults").Members);

        // The assignment holds exactly the bargain hunters, each in the arm the documented hash gives.
        string members = Path.Combine(root.FullName, "audiences", "spring", "refreshes", "2026-11-30", "members.parquet").Replace("'", "''");
        string assignment = Path.Combine(root.FullName, "assignments", "spring-vbo-1p", "assignment.parquet").Replace("'", "''");
        Assert.Equal(bargain, Scalar($"SELECT count(*) FROM '{assignment}'"));
        Assert.Equal(0, Scalar($"SELECT count(*) FROM '{assignment}' a ANTI JOIN (SELECT customer_id FROM '{members}' WHERE segment = 'bargain-hunters') m USING (customer_id)"));
        Assert.Equal(0, Scalar($"""
            SELECT count(*) FROM '{assignment}'
            WHERE arm <> CASE WHEN ('0x' || substr(sha256('spring-2026.' || customer_id), 1, 16))::UBIGINT % 10000 < 1000 THEN 'holdout'
                              WHEN ('0x' || substr(sha256('spring-2026.' || customer_id), 1, 16))::UBIGINT % 10000 < 5500 THEN 'vbo' ELSE 'vbo_1p' END
            """));
        var (holdoutCampaign, summary) = Assert.Single(spring.Assignments!);
        Assert.Equal("spring-vbo-1p", holdoutCampaign);
        long holdout = Scalar($"SELECT count(*) FROM '{assignment}' WHERE arm = 'holdout'");
        Assert.Equal(holdout, summary.Counts[0]);

        // Activation: members outside the holdout with a usable contact; no holdout customer's email is ever uploaded.
        var meta = spring.Activations!.Single(a => a.Surface.Name == "meta");
        long activatable = Scalar($"""
            SELECT count(*) FROM '{file}' c JOIN '{assignment}' a USING (customer_id)
            WHERE a.arm <> 'holdout' AND (c.email LIKE '%@%' AND c.email NOT LIKE '% at %' OR c.phone IS NOT NULL)
            """);
        Assert.Equal(activatable, meta.Customers);
        var csv = await File.ReadAllLinesAsync(Path.Combine(root.FullName, "activations", "spring", "meta", "2026-11-30.csv"));
        Assert.Equal("email,phone", csv[0]);
        Assert.Equal(activatable, csv.Length - 1);
        var holdoutIds = new List<string>();
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT lower(trim(c.email)) FROM '{file}' c JOIN '{assignment}' a USING (customer_id) WHERE a.arm = 'holdout' AND c.email LIKE '%@%' AND c.email NOT LIKE '% at %'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                holdoutIds.Add(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reader.GetString(0)))));
            }
        }
        Assert.True(holdoutIds.Count > 250, $"{holdoutIds.Count} holdout emails");
        var uploaded = csv.Skip(1).Select(line => line.Split(',')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(holdoutIds, uploaded.Contains);

        // Validation report and the record that marks the refresh done.
        using var validation = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(root.FullName, "audiences", "spring", "refreshes", "2026-11-30", "validation.json")));
        Assert.Equal("audience-validation", validation.RootElement.GetProperty("kind").GetString());
        Assert.Equal(AudienceValidationReportStatus(spring), validation.RootElement.GetProperty("status").GetString());
        using var latest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(root.FullName, "audiences", "spring", "latest.json")));
        Assert.Equal("customers/customers-2026-11-30.parquet", latest.RootElement.GetProperty("export").GetString());
        Assert.Equal(bargain, latest.RootElement.GetProperty("segments").GetProperty("bargain-hunters").GetInt64());
        Assert.True(File.Exists(Path.Combine(root.FullName, "audiences", "spring", "refreshes", "2026-11-30", "validation.md")));
    }

    private static string AudienceValidationReportStatus(AudienceRefreshOutcome outcome) => outcome.Validation!.Status switch
    {
        GuardrailStatus.Pass => "pass",
        GuardrailStatus.Warn => "warn",
        _ => "breach",
    };

    [Fact]
    public async Task Segments_the_validation_withholds_have_no_size_in_latest_json_or_the_refresh_line()
    {
        // A minimum of 4,000 withholds champions (3,790) and bargain-hunters (3,598); young-adults and win-back stay.
        using var root = TestData.TempDirectory();
        string definition = (await File.ReadAllTextAsync(SampleDefinition)).Replace("\"validation\": {", "\"validation\": { \"minimumCustomers\": 4000,", StringComparison.Ordinal);
        var store = await SampleStoreAsync(root, definition);

        var refreshed = Assert.Single((await RefreshAsync(store)).Audiences);

        using var latest = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(root.FullName, "audiences", "spring", "latest.json")));
        var segments = latest.RootElement.GetProperty("segments");
        Assert.Equal(JsonValueKind.Null, segments.GetProperty("champions").ValueKind);
        Assert.Equal(JsonValueKind.Null, segments.GetProperty("bargain-hunters").ValueKind);
        Assert.Equal(6838, segments.GetProperty("young-adults").GetInt64());
        Assert.Equal(5486, segments.GetProperty("win-back").GetInt64());
        Assert.Contains("bargain-hunters suppressed", refreshed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("3,598", refreshed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("3,790", refreshed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_pass_changes_nothing_and_a_changed_definition_refreshes_against_the_previous_members()
    {
        using var root = TestData.TempDirectory();
        var store = await SampleStoreAsync(root);
        await RefreshAsync(store);
        string membersPath = Path.Combine(root.FullName, "audiences", "spring", "refreshes", "2026-11-30", "members.parquet");
        var before = await File.ReadAllBytesAsync(membersPath);
        var written = File.GetLastWriteTimeUtc(membersPath);

        var again = await RefreshAsync(store);

        Assert.Equal(AudienceRefreshStatus.UpToDate, Assert.Single(again.Audiences).Status);
        Assert.Equal(written, File.GetLastWriteTimeUtc(membersPath));

        // Loosen the bargain-hunter rule: a new refresh, whose stability is measured against the members it replaces.
        var definition = (await File.ReadAllTextAsync(SampleDefinition)).Replace("discounted_share >= 0.5", "discounted_share >= 0.4", StringComparison.Ordinal);
        await store.WriteAsync("audiences/spring/audience.json", Encoding.UTF8.GetBytes(definition));
        var changed = await RefreshAsync(store);

        var spring = Assert.Single(changed.Audiences);
        Assert.Equal(AudienceRefreshStatus.Refreshed, spring.Status);
        var stability = spring.Validation!.Segments.Single(s => s.Segment == "bargain-hunters").Stability!;
        long loosened = spring.Build!.Segments.Single(s => s.Segment == "bargain-hunters").Members;
        Assert.True(loosened > 3_598);
        // Every old member stays (the rule only widened): Jaccard = old / new, nobody left.
        Assert.Equal(3_598.0 / loosened, stability.Jaccard, 12);
        Assert.Equal(0, stability.ChurnOut);
        Assert.Equal(loosened - 3_598, stability.ChurnIn);
        Assert.NotEqual(before, await File.ReadAllBytesAsync(membersPath));
    }

    [Fact]
    public async Task A_breach_alerts_the_holdout_campaign_once_with_the_same_id_on_a_rerun()
    {
        using var root = TestData.TempDirectory();
        // TikTok needs 1,000 uploaded customers: a segment of under 1,000 members breaches its size check.
        var definition = (await File.ReadAllTextAsync(SampleDefinition))
            .Replace("\"segment\": \"bargain-hunters\", \"surfaces\"", "\"segment\": \"small\", \"surfaces\"", StringComparison.Ordinal)
            .Replace("{ \"name\": \"bargain-hunters\",", "{ \"name\": \"small\", \"rule\": \"orders >= 12\" },\n    { \"name\": \"bargain-hunters\",", StringComparison.Ordinal);
        var store = await SampleStoreAsync(root, definition);

        var first = await RefreshAsync(store);
        var again = await RefreshAsync(store);

        var spring = Assert.Single(first.Audiences);
        Assert.Equal(AudienceRefreshStatus.Refreshed, spring.Status);
        long small = spring.Build!.Segments.Single(s => s.Segment == "small").Members;
        Assert.InRange(small, 1, 999);
        var alert = Assert.Single(spring.Alerts!, a => a.Message.Contains("size-tiktok", StringComparison.Ordinal));
        Assert.Equal("spring-vbo-1p", alert.Campaign.Value);
        Assert.Equal(AudienceRefreshHandler.Guardrail, alert.Guardrail);
        Assert.Contains("segment 'small'", alert.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(root.FullName, alert.StoragePath)));
        var tiktok = spring.Activations!.Single(a => a.Surface.Name == "tiktok");
        Assert.NotNull(tiktok.SuppressedReason);
        Assert.False(File.Exists(Path.Combine(root.FullName, "activations", "spring", "tiktok", "2026-11-30.csv")));
        Assert.True(File.Exists(Path.Combine(root.FullName, "activations", "spring", "tiktok", "2026-11-30.suppressed.txt")));
        Assert.Equal(AudienceRefreshStatus.UpToDate, Assert.Single(again.Audiences).Status);
        // A forced refresh of the same inputs (latest.json gone) raises the same alert ids, and the alert file stands.
        await store.DeleteAsync("audiences/spring/latest.json");
        var redone = await RefreshAsync(store);
        Assert.Equal(spring.Alerts!.Select(a => a.Id), Assert.Single(redone.Audiences).Alerts!.Select(a => a.Id));
    }

    [Fact]
    public async Task Reactivation_is_judged_against_the_export_before_even_when_only_audience_json_changes()
    {
        using var root = TestData.TempDirectory();
        var store = new FolderStore(root.FullName);
        string file = SampleExport.Replace("'", "''");
        // A month earlier, the customers who first ordered before June 2025 had ordered only then: lapsed by 2026-10-31.
        string earlier = Audiences.CustomerExportKit.Write(root.FullName, "earlier.parquet", $"""
            SELECT * REPLACE (DATE '2026-10-31' AS as_of, first_order_date AS last_order_date, 1 AS orders, least(discounted_orders, 1) AS discounted_orders)
            FROM '{file}' WHERE first_order_date < DATE '2025-06-01'
            """);
        long expected = Scalar($"SELECT count(*) FROM '{file}' WHERE first_order_date < DATE '2025-06-01' AND last_order_date >= as_of - 90");
        await store.WriteAsync("customers/customers-2026-10-31.parquet", await File.ReadAllBytesAsync(earlier));
        await store.WriteAsync("audiences/spring/audience.json", await File.ReadAllBytesAsync(SampleDefinition));
        await RefreshAsync(store);
        await store.WriteAsync("customers/customers-2026-11-30.parquet", await File.ReadAllBytesAsync(SampleExport));

        var november = Assert.Single((await RefreshAsync(store)).Audiences);
        var definition = (await File.ReadAllTextAsync(SampleDefinition)).Replace("revenue > 100", "revenue > 150", StringComparison.Ordinal);
        await store.WriteAsync("audiences/spring/audience.json", Encoding.UTF8.GetBytes(definition));
        var redefined = Assert.Single((await RefreshAsync(store)).Audiences);

        int reactivated = Statistics.Audiences.Segments.Lifecycle.Names.ToList().IndexOf("reactivated");
        Assert.True(expected > 100, $"{expected} reactivated customers");
        Assert.Equal(expected, november.Build!.Stages[reactivated]);
        Assert.Equal(AudienceRefreshStatus.Refreshed, redefined.Status);
        Assert.Equal(expected, redefined.Build!.Stages[reactivated]);
    }

    [Fact]
    public async Task A_bad_customer_export_is_quarantined_untouched_and_the_previous_one_stays_current()
    {
        using var root = TestData.TempDirectory();
        var store = await SampleStoreAsync(root);
        await RefreshAsync(store);
        var broken = Encoding.UTF8.GetBytes("not parquet at all");
        await store.WriteAsync("customers/customers-2026-12-31.parquet", broken);

        var pass = await RefreshAsync(store);

        var quarantined = Assert.Single(pass.Quarantined);
        Assert.Equal("customers/customers-2026-12-31.parquet", quarantined.Export);
        Assert.StartsWith("customers-2026-12-31.parquet: [", quarantined.Message, StringComparison.Ordinal);
        Assert.Equal(broken, await File.ReadAllBytesAsync(Path.Combine(root.FullName, "customers", "customers-2026-12-31.parquet")));
        Assert.Equal(broken, await File.ReadAllBytesAsync(Path.Combine(root.FullName, "quarantine", "_customers", "customers-2026-12-31.parquet")));
        using var reason = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(root.FullName, "quarantine", "_customers", "customers-2026-12-31.parquet.error.json")));
        Assert.Equal("customers/customers-2026-12-31.parquet", reason.RootElement.GetProperty("export").GetString());
        Assert.Equal("customers/customers-2026-11-30.parquet", pass.Export);
        Assert.Equal(AudienceRefreshStatus.UpToDate, Assert.Single(pass.Audiences).Status);

        var next = await RefreshAsync(store);   // the rejected version is not read again
        Assert.Empty(next.Quarantined);
        Assert.Equal("customers/customers-2026-11-30.parquet", next.Export);
    }

    [Fact]
    public async Task A_customer_export_with_a_repeated_id_is_quarantined_with_the_id_and_its_rows()
    {
        using var root = TestData.TempDirectory();
        var store = new FolderStore(root.FullName);
        string file = SampleExport.Replace("'", "''");
        string twice = Audiences.CustomerExportKit.Write(root.FullName, "twice.parquet",
            $"SELECT * FROM '{file}' UNION ALL SELECT * FROM '{file}' WHERE customer_id = 'c000042'");
        await store.WriteAsync("customers/customers-2026-11-30.parquet", await File.ReadAllBytesAsync(twice));
        await store.WriteAsync("audiences/spring/audience.json", await File.ReadAllBytesAsync(SampleDefinition));

        var pass = await RefreshAsync(store);

        Assert.Equal("customers-2026-11-30.parquet: [duplicate-id] column 'customer_id': 1 customer ids repeat, e.g. 'c000042' in rows 42, 20000; a customer is one row (rows 42, 20000)",
            Assert.Single(pass.Quarantined).Message);
        Assert.Null(pass.Export);
        Assert.Empty(pass.Audiences);
    }

    [Fact]
    public async Task An_invalid_audience_json_is_a_problem_line_and_other_audiences_refresh()
    {
        using var root = TestData.TempDirectory();
        var store = await SampleStoreAsync(root);
        await store.WriteAsync("audiences/broken/audience.json", Encoding.UTF8.GetBytes("""{ "audience": "broken", "segments": [ { "name": "x", "rule": "orders >=" } ] }"""));

        var summary = await new LocalPipeline(store, null, new ManualClock(Now)).ProcessNewExportsAsync();

        var audiences = summary.Audiences!.Audiences;
        Assert.Equal(["broken", "spring"], audiences.Select(a => a.Audience.Value));
        Assert.Equal(AudienceRefreshStatus.Failed, audiences[0].Status);
        Assert.Contains("segments[0].rule (x)", audiences[0].Message, StringComparison.Ordinal);
        Assert.Equal(AudienceRefreshStatus.Refreshed, audiences[1].Status);
        Assert.Contains(audiences[0].Message, summary.Problems);
        Assert.False(File.Exists(Path.Combine(root.FullName, "audiences", "broken", "latest.json")));
    }
}
