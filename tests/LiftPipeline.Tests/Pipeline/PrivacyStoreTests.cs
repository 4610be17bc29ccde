using System.Text;
using LiftPipeline.Pipeline.Privacy;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>The privacy objects in the store: the noise key is made once and kept; a damaged key or ledger stops with one clear store error.</summary>
public sealed class PrivacyStoreTests : IDisposable
{
    private static readonly CampaignId Campaign = CampaignId.Parse("vbo-holdout");
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task The_noise_key_is_32_random_bytes_made_once_and_read_back_after()
    {
        var store = new FolderStore(_root.FullName);

        var first = await NoiseKey.GetOrCreateAsync(store, Campaign, CancellationToken.None);
        var again = await NoiseKey.GetOrCreateAsync(store, Campaign, CancellationToken.None);
        var other = await NoiseKey.GetOrCreateAsync(store, CampaignId.Parse("other"), CancellationToken.None);

        Assert.Equal(32, first.Length);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(first, (await store.ReadAsync("privacy/vbo-holdout.key"))!.Content.ToArray());
    }

    [Fact]
    public async Task A_damaged_key_or_ledger_is_a_corrupt_store_object_naming_it()
    {
        var store = new FolderStore(_root.FullName);
        await store.WriteAsync("privacy/vbo-holdout.key", new byte[5]);
        await store.WriteAsync("privacy/vbo-holdout.json", Encoding.UTF8.GetBytes("""{"campaign": "vbo-holdout"}"""));

        var key = await Assert.ThrowsAsync<ObjectStoreException>(() => NoiseKey.GetOrCreateAsync(store, Campaign, CancellationToken.None));
        var ledger = await Assert.ThrowsAsync<ObjectStoreException>(() => PrivacyLedger.ReadAsync(store, Campaign, CancellationToken.None));

        Assert.Equal((ObjectStoreException.Corrupt, "privacy/vbo-holdout.key"), (key.Code, key.ObjectName));
        Assert.Contains("the noise key is 5 bytes; it must be 32 bytes", key.Message, StringComparison.Ordinal);
        Assert.Equal((ObjectStoreException.Corrupt, "privacy/vbo-holdout.json"), (ledger.Code, ledger.ObjectName));
        Assert.StartsWith("privacy/vbo-holdout.json: [corrupt] the privacy ledger is not the JSON the pipeline writes", ledger.Message, StringComparison.Ordinal);
    }
}
