using Azure.Core;
using Azure.Storage.Blobs;
using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

/// <summary>What <see cref="AzureBlobStore"/> promises beyond the shared contract: errors, lease limits, no requests for bad names.</summary>
[Collection("Azurite")]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Unsafe_names_fail_as_invalid_without_any_request()
    {
        // Nothing listens on this port: a request would fail as unavailable, so invalid-name proves none was sent.
        var store = Unreachable();

        var read = await Assert.ThrowsAsync<ObjectStoreException>(() => store.ReadAsync("../campaigns/c1/campaign.json"));
        var write = await Assert.ThrowsAsync<ObjectStoreException>(() => store.WriteAsync("a//b", new byte[] { 1 }));

        Assert.Equal(ObjectStoreException.InvalidName, read.Code);
        Assert.Equal(ObjectStoreException.InvalidName, write.Code);
    }

    [Fact]
    public async Task An_unreachable_account_fails_as_unavailable_naming_the_object_and_the_container()
    {
        var store = Unreachable();

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => store.ReadAsync("campaigns/c1/campaign.json"));

        Assert.Equal(ObjectStoreException.Unavailable, error.Code);
        Assert.Equal("campaigns/c1/campaign.json", error.ObjectName);
        Assert.Contains("devstoreaccount1/lift", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leases_longer_than_a_minute_are_refused_and_short_ones_still_exclude()
    {
        var store = new AzureBlobStore(azurite.RequireConnectionString(), "lift-" + Guid.NewGuid().ToString("N"));
        await store.EnsureCreatedAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.TryAcquireLeaseAsync("locks/c1", TimeSpan.FromMinutes(5)));
        await using var lease = await store.TryAcquireLeaseAsync("locks/c1", TimeSpan.FromSeconds(1));

        Assert.NotNull(lease);
        Assert.Null(await store.TryAcquireLeaseAsync("locks/c1", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Creating_the_container_twice_is_harmless_and_the_description_names_account_and_container()
    {
        var container = "lift-" + Guid.NewGuid().ToString("N");
        var store = new AzureBlobStore(azurite.RequireConnectionString(), container);

        await store.EnsureCreatedAsync();
        await store.EnsureCreatedAsync();

        Assert.Equal("devstoreaccount1/" + container, store.Description);
    }

    private static AzureBlobStore Unreachable()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        options.Retry.Mode = RetryMode.Fixed;
        var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            "BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        return new AzureBlobStore(connection, "lift", options);
    }
}
