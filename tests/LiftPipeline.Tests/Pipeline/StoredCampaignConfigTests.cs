using System.Text;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>The one reader of a stored campaign.json: found, missing, or invalid with the parser's message.</summary>
public sealed class StoredCampaignConfigTests : IDisposable
{
    private static readonly CampaignId Geo = CampaignId.Parse("geo");
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_missing_an_invalid_and_a_valid_campaign_json_are_three_outcomes()
    {
        var store = new FolderStore(_root.FullName);

        var missing = await store.ReadCampaignConfigAsync(Geo);
        Assert.Equal(CampaignConfigState.Missing, missing.State);
        Assert.Null(missing.ConfigOrNull());
        Assert.Equal("campaigns/geo/campaign.json", missing.Path);

        await store.WriteAsync(StoreLayout.CampaignConfig(Geo), Encoding.UTF8.GetBytes("""{"id": "geo", "name": "Geo", "design": "panel", "metrics": []}"""));
        var invalid = await store.ReadCampaignConfigAsync(Geo);
        Assert.Equal(CampaignConfigState.Invalid, invalid.State);
        Assert.Contains("campaigns/geo/campaign.json has", invalid.Error!.Message);
        Assert.Contains("metrics", invalid.Error.Message);
        Assert.Same(invalid.Error, Assert.Throws<CampaignConfigException>(() => invalid.ConfigOrNull()));

        await store.WriteAsync(StoreLayout.CampaignConfig(Geo), Encoding.UTF8.GetBytes("""{"id": "geo", "name": "Geo", "design": "panel", "metrics": ["sales"]}"""));
        var found = await store.ReadCampaignConfigAsync(Geo);
        Assert.Equal(CampaignConfigState.Found, found.State);
        Assert.Equal("Geo", found.ConfigOrNull()!.Name);
    }
}
