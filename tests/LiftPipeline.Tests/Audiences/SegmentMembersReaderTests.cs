using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Statistics.Audiences;
using LiftPipeline.Statistics.Audiences.Validation;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// The members reader (segments, sorted distinct keys, metadata) and the assignment-arms reader with the planned split the
/// assignment writer now records.
/// </summary>
public sealed class SegmentMembersReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("members-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Members_come_back_per_segment_sorted_distinct_with_the_audience_and_date()
    {
        string path = MembersFileKit.WriteRows(_folder, "members.parquet",
            "SELECT * FROM (VALUES ('c3', 'young'), ('c1', 'young'), ('c2', 'bargain'), ('c1', 'young'), ('c1', 'bargain')) t(customer_id, segment)", rowGroupSize: 2);

        await using var file = await ExportFile.OpenAsync(path);
        var members = await SegmentMembersReader.ReadAsync(file);

        Assert.Equal("bargain-hunters", members.Audience);
        Assert.Equal(new DateOnly(2026, 6, 30), members.AsOf);
        Assert.Equal(["bargain", "young"], members.Segments);
        Assert.Equal(new[] { CustomerKey.Of("c1"), CustomerKey.Of("c2") }.Order(), members.Keys[0]);
        Assert.Equal(new[] { CustomerKey.Of("c1"), CustomerKey.Of("c3") }.Order(), members.Keys[1]);
        Assert.Equal(5, members.Rows);
    }

    [Fact]
    public async Task Integer_ids_take_the_key_of_their_decimal_text()
    {
        string path = MembersFileKit.WriteRows(_folder, "members.parquet", "SELECT CAST(42 AS BIGINT) AS customer_id, 'young' AS segment");

        await using var file = await ExportFile.OpenAsync(path);
        var members = await SegmentMembersReader.ReadAsync(file);

        Assert.Equal([CustomerKey.Of("42")], members.Keys[0]);
    }

    [Theory]
    [InlineData("SELECT 'c1' AS customer_id, NULL::VARCHAR AS segment", "members", "null-value")]
    [InlineData("SELECT 'c1' AS customer_id", "members", "missing-column")]
    [InlineData("SELECT 'c1' AS customer_id, 'young' AS segment", "panel", "unknown-contract")]
    public async Task A_bad_members_file_is_one_data_problem(string select, string contract, string code)
    {
        string path = MembersFileKit.WriteRows(_folder, "members.parquet", select, contract);

        await using var file = await ExportFile.OpenAsync(path);
        var e = await Assert.ThrowsAsync<ExportValidationException>(() => SegmentMembersReader.ReadAsync(file));

        Assert.Contains(code, e.Errors.Select(x => x.Code));
    }

    [Fact]
    public async Task The_assignment_file_records_its_planned_split_and_reads_back_each_customers_arm()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(100, "CAST(i AS BIGINT)"));
        var assigner = new HoldoutAssigner("everyone", "spring-2026", BucketAllocation.FromShares([new("holdout", 0.1), new("vbo", 0.45), new("vbo_1p", 0.45)]));
        string path = Path.Combine(_folder, "assignment.parquet");
        await using (var input = await ExportFile.OpenAsync(customers))
        await using (var output = File.Create(path))
        {
            await HoldoutAssignmentWriter.WriteAsync(LiftPipeline.Ingestion.Customers.CustomerExportReader.Open(input, new() { IdsOnly = true }), assigner, output);
        }

        string? recorded = (string?)CustomerExportKit.Scalar(
            $"SELECT decode(value) FROM parquet_kv_metadata('{path}') WHERE decode(key) = '{HoldoutAssignmentWriter.AllocationKey}'");
        await using var file = await ExportFile.OpenAsync(path);
        var arms = await HoldoutAssignmentReader.ReadAsync(file);

        Assert.Equal("holdout=0.1,vbo=0.45,vbo_1p=0.45", recorded);
        Assert.Equal([1000, 4500, 4500], arms.Plan!.BasisPoints);
        Assert.Equal(["holdout", "vbo", "vbo_1p"], arms.Arms);
        Assert.Equal(100, arms.Count);
        // The hash vectors of docs/audiences.md: 42 has bucket 461 (holdout), 1 has 3005 (vbo, buckets 1000–5499).
        Assert.Equal(0, arms.ArmOf(CustomerKey.Of("42")));
        Assert.Equal(1, arms.ArmOf(CustomerKey.Of("1")));
        Assert.Equal(-1, arms.ArmOf(CustomerKey.Of("100")));
        var byDuckDb = CustomerExportKit.Query($"SELECT arm, count(*) FROM '{path}' GROUP BY arm ORDER BY arm");
        long holdout = Convert.ToInt64(byDuckDb[0][1], CultureInfo.InvariantCulture);
        Assert.Equal(holdout, Enumerable.Range(0, 100).Count(i => arms.ArmOf(CustomerKey.Of(i.ToString(CultureInfo.InvariantCulture))) == 0));
    }

    [Fact]
    public async Task Without_a_recorded_plan_arms_are_in_ordinal_order_and_a_repeated_customer_keeps_its_first_arm()
    {
        string path = Path.Combine(_folder, "plain.parquet");
        CustomerExportKit.Scalar($"COPY (SELECT * FROM (VALUES (1, 'c1', 'vbo'), (2, 'c2', 'holdout'), (3, 'c1', 'holdout'), (4, 'c3', 'vbo')) t(k, customer_id, arm) ORDER BY k) TO '{path}' (FORMAT parquet)");

        await using var file = await ExportFile.OpenAsync(path);
        var arms = await HoldoutAssignmentReader.ReadAsync(file);

        Assert.Null(arms.Plan);
        Assert.Equal(["holdout", "vbo"], arms.Arms);
        Assert.Equal(3, arms.Count);
        Assert.Equal([1, 0, 1], new[] { "c1", "c2", "c3" }.Select(id => arms.ArmOf(CustomerKey.Of(id))));
    }

    [Fact]
    public async Task An_arm_outside_the_planned_split_is_a_data_problem()
    {
        string path = MembersFileKit.WriteAssignment(_folder, "assignment.parquet",
            "SELECT * FROM (VALUES ('c1', 'holdout'), ('c2', 'vbo'), ('c3', 'other')) t(customer_id, arm)", "holdout=0.5,vbo=0.5");

        await using var file = await ExportFile.OpenAsync(path);
        var e = await Assert.ThrowsAsync<ExportValidationException>(() => HoldoutAssignmentReader.ReadAsync(file));

        Assert.Contains("arm 'other' is not in the planned allocation holdout=0.5,vbo=0.5", e.Message, StringComparison.Ordinal);
    }
}
