using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

public sealed class IdTests
{
    public static TheoryData<string> BadIds => new() { "../x", "Spring", "a/b", "", new string('a', 65), "geo ", "geo_1" };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void Campaign_ids_reject_anything_but_1_to_64_of_lowercase_digits_and_dashes_with_the_invalid_name_code(string text)
    {
        var error = Assert.Throws<ObjectStoreException>(() => CampaignId.Parse(text));
        Assert.Equal(ObjectStoreException.InvalidName, error.Code);
        Assert.Contains("campaign ids are 1 to 64 characters", error.Message);
        Assert.False(CampaignId.TryParse(text, out _));
    }

    [Theory]
    [MemberData(nameof(BadIds))]
    public void Run_ids_reject_the_same_shapes_with_the_invalid_name_code(string text)
    {
        var error = Assert.Throws<ObjectStoreException>(() => RunId.Parse(text));
        Assert.Equal(ObjectStoreException.InvalidName, error.Code);
        Assert.Contains("a run id is 1-64 characters", error.Message);
        Assert.False(RunId.TryParse(text, out _));
    }

    [Fact]
    public void Null_is_rejected_like_any_bad_id()
    {
        Assert.Equal(ObjectStoreException.InvalidName, Assert.Throws<ObjectStoreException>(() => CampaignId.Parse(null!)).Code);
        Assert.Equal(ObjectStoreException.InvalidName, Assert.Throws<ObjectStoreException>(() => RunId.Parse(null!)).Code);
        Assert.Null(RunId.ParseOptional(null));
    }

    [Fact]
    public void Ids_print_as_themselves_and_compare_by_text()
    {
        var id = CampaignId.Parse(new string('a', 64));
        Assert.Equal(new string('a', 64), id.ToString());
        Assert.Equal(CampaignId.Parse("spring-geo"), CampaignId.Parse("spring-geo"));
        Assert.True(CampaignId.TryParse("spring-geo", out var parsed));
        Assert.Equal("spring-geo", $"{parsed}");
        Assert.Equal("nightly-20261124-0200", RunId.Parse("nightly-20261124-0200").ToString());
    }

    [Fact]
    public void Run_ids_from_export_events_keep_only_run_id_characters()
    {
        var at = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal("export-ab12-cd", RunIds.ForExportEvent("AB12-cd!", at).Value);
        Assert.Equal("run-20261124-020000", RunIds.ForExportEvent("!!", at).Value);
    }
}
