using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

/// <summary>The store contract against <see cref="AzureBlobStore"/> on Azurite, one fresh container per test.</summary>
[Collection("Azurite")]
public sealed class AzureBlobStoreContractTests(AzuriteFixture azurite) : ObjectStoreContract
{
    protected override async Task<IObjectStore> CreateStoreAsync() => await azurite.NewStoreAsync();
}
