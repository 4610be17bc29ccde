using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

public sealed class StoreLayoutTests
{
    private static readonly CampaignId Geo = CampaignId.Parse("spring-geo");
    private static readonly RunId Run = RunId.Parse("nightly-20261124-0200");
    private const string Hash = "0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d";

    [Fact]
    public void Every_kind_of_object_has_its_documented_name_and_every_name_is_valid()
    {
        var folder = StoreLayout.ReportFolder(Geo, Run);
        var names = new Dictionary<string, string>
        {
            ["campaigns/spring-geo/campaign.json"] = StoreLayout.CampaignConfig(Geo),
            ["exports/spring-geo/day1.parquet"] = StoreLayout.Export(Geo, "day1.parquet"),
            ["quarantine/spring-geo/day1.parquet"] = StoreLayout.Quarantine(Geo, "day1.parquet"),
            ["quarantine/spring-geo/day1.parquet.error.json"] = StoreLayout.QuarantineError(Geo, "day1.parquet"),
            ["datasets/spring-geo/manifest.json"] = StoreLayout.DatasetManifest(Geo),
            [$"datasets/spring-geo/panel-{Hash}.parquet"] = StoreLayout.DatasetPanel(Geo, Hash),
            [$"datasets/spring-geo/shard-{Hash}.parquet"] = StoreLayout.DatasetShard(Geo, Hash),
            [$"datasets/spring-geo/holdout-{Hash}.json"] = StoreLayout.HoldoutShardList(Geo, Hash),
            ["reports/spring-geo/nightly-20261124-0200/report.json"] = StoreLayout.ReportJson(folder),
            ["reports/spring-geo/nightly-20261124-0200/report.html"] = StoreLayout.ReportHtml(folder),
            ["reports/spring-geo/nightly-20261124-0200/report.md"] = StoreLayout.ReportMarkdown(folder),
            ["reports/spring-geo/latest.json"] = StoreLayout.LatestReport(Geo),
            ["alerts/2026/11/25/abc.json"] = StoreLayout.Alert("abc", new DateTimeOffset(2026, 11, 24, 23, 30, 0, TimeSpan.FromHours(-1))),
            ["alerts/deliveries/abc/acme-ops.json"] = StoreLayout.Delivery("abc", "acme-ops"),
            ["runs/nightly-20261124-0200.json"] = StoreLayout.RunManifest(Run),
            ["runs/nightly.lease"] = StoreLayout.NightlyLease,
        };
        foreach (var (expected, actual) in names)
        {
            Assert.Equal(expected, actual);
            Assert.Equal(actual, ObjectName.Validate(actual));
        }
        Assert.Equal("reports/spring-geo/nightly-20261124-0200/", folder);
        foreach (var prefix in new[] { StoreLayout.CampaignsPrefix, StoreLayout.ExportsPrefix, StoreLayout.QuarantinePrefix, StoreLayout.DatasetsPrefix,
                     StoreLayout.ReportsPrefix, StoreLayout.AlertsPrefix, StoreLayout.DeliveriesPrefix, StoreLayout.RunsPrefix,
                     StoreLayout.ExportsOf(Geo), StoreLayout.QuarantineOf(Geo) })
        {
            Assert.Equal(prefix, ObjectName.ValidatePrefix(prefix));
        }
    }

    [Fact]
    public void Names_parse_back_to_what_formatted_them()
    {
        Assert.Equal((Geo, "day1.parquet"), StoreLayout.ParseExport(StoreLayout.Export(Geo, "day1.parquet")));
        Assert.True(StoreLayout.TryParseCampaignConfig(StoreLayout.CampaignConfig(Geo), out var folder));
        Assert.Equal("spring-geo", folder);
        Assert.True(StoreLayout.IsQuarantineError(StoreLayout.QuarantineError(Geo, "day1.parquet")));
        Assert.True(StoreLayout.IsAlert(StoreLayout.Alert("abc", DateTimeOffset.UnixEpoch)));
        Assert.Equal(Hash, StoreLayout.DatasetHash(StoreLayout.DatasetPanel(Geo, Hash)));
        Assert.Equal(Hash, StoreLayout.DatasetHash(StoreLayout.HoldoutShardList(Geo, Hash)));
        Assert.Equal("data-0a1b2c3d4e5f6a7b", RunIds.ForDataset(StoreLayout.DatasetPanel(Geo, Hash)).Value);
    }

    [Theory]
    [InlineData("exports/spring-geo")]
    [InlineData("exports/spring-geo/a/b.parquet")]
    [InlineData("quarantine/spring-geo/x.parquet")]
    [InlineData("exports/Spring/x.parquet")]
    [InlineData("exports/../x.parquet")]
    [InlineData("campaigns/spring-geo/campaign.json")]
    public void Export_parsing_rejects_foreign_names_with_the_invalid_name_code(string name)
    {
        Assert.Equal(ObjectStoreException.InvalidName, Assert.Throws<ObjectStoreException>(() => StoreLayout.ParseExport(name)).Code);
    }

    [Fact]
    public void The_other_parsers_reject_foreign_names()
    {
        Assert.False(StoreLayout.TryParseCampaignConfig("campaigns/spring-geo/other.json", out _));
        Assert.False(StoreLayout.TryParseCampaignConfig("exports/spring-geo/campaign.json", out _));
        Assert.False(StoreLayout.TryParseCampaignConfig("campaigns/a/b/campaign.json", out _));
        Assert.False(StoreLayout.IsQuarantineError("exports/spring-geo/x.error.json"));
        Assert.False(StoreLayout.IsQuarantineError("quarantine/spring-geo/x.parquet"));
        Assert.False(StoreLayout.IsAlert("alerts/deliveries/abc/acme.json"));
        Assert.False(StoreLayout.IsAlert("reports/spring-geo/latest.json"));
        Assert.False(StoreLayout.IsAlert("alerts/../x.json"));
        foreach (var dataset in new[] { "datasets/spring-geo/manifest.json", "exports/spring-geo/panel-0a.parquet", $"datasets/Geo/panel-{Hash}.parquet", "datasets/spring-geo/panel-XYZ.parquet" })
        {
            Assert.Equal(ObjectStoreException.InvalidName, Assert.Throws<ObjectStoreException>(() => StoreLayout.DatasetHash(dataset)).Code);
        }
    }

    [Theory]
    [InlineData("a/b.parquet")]
    [InlineData("..")]
    [InlineData("")]
    public void Name_parts_that_are_not_ids_stay_one_safe_segment(string part)
    {
        Assert.Equal(ObjectStoreException.InvalidName, Assert.Throws<ObjectStoreException>(() => StoreLayout.Export(Geo, part)).Code);
        Assert.Equal(ObjectStoreException.InvalidName, Assert.Throws<ObjectStoreException>(() => StoreLayout.Delivery("abc", part)).Code);
        Assert.Equal(ObjectStoreException.InvalidName, Assert.Throws<ObjectStoreException>(() => StoreLayout.Alert(part, DateTimeOffset.UnixEpoch)).Code);
    }

    [Fact]
    public void Report_files_belong_in_a_report_folder()
    {
        Assert.Throws<ObjectStoreException>(() => StoreLayout.ReportHtml("exports/spring-geo/"));
        Assert.Throws<ObjectStoreException>(() => StoreLayout.ReportHtml("reports/spring-geo/run"));
    }

    /// <summary>One rule, one place: no host or handler spells a storage path itself.</summary>
    [Fact]
    public void No_source_file_but_StoreLayout_spells_a_storage_path()
    {
        var root = Path.GetFullPath(TestData.Path("..", ".."));
        string[] literals = ["\"campaigns/", "\"exports/", "\"datasets/", "\"reports/", "\"alerts/", "\"quarantine/", "\"runs/", "latest.json", ".error.json\"", "campaign.json\"", "\"report."];
        var offenders = new List<string>();
        foreach (var folder in new[] { "src", "cli", "functions" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                if (Path.GetFileName(file) == "StoreLayout.cs" || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
                {
                    continue;
                }
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    var line = lines[i].TrimStart();
                    if (!line.StartsWith("//", StringComparison.Ordinal) && literals.Any(l => line.Contains(l, StringComparison.Ordinal)))
                    {
                        offenders.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {line}");
                    }
                }
            }
        }
        Assert.Empty(offenders);
    }
}
