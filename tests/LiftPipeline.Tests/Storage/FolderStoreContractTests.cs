using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

/// <summary>The store contract against <see cref="FolderStore"/>, rooted in a folder inside a fresh temp directory.</summary>
public sealed class FolderStoreContractTests : ObjectStoreContract, IDisposable
{
    private readonly TempDirectory _parent = TestData.TempDirectory();

    private string Root => Path.Combine(_parent.FullName, "store");

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new FolderStore(Root));

    /// <summary>Nothing inside the root, and nothing next to it: a traversal would have landed in the parent.</summary>
    protected override async Task AssertNothingStoredAsync(IObjectStore store)
    {
        await base.AssertNothingStoredAsync(store);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }));
        Assert.Equal([Root], Directory.EnumerateFileSystemEntries(_parent.FullName, "*", new EnumerationOptions { AttributesToSkip = 0 }));
        Assert.False(Path.Exists("/abs"));
    }

    public void Dispose() => _parent.Dispose();
}
