using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Infrastructure.Storage;

/// <summary>
/// <see cref="IObjectStore"/> over one Azure Blob Storage container: object names are blob names. Creates use
/// If-None-Match: *, conditional writes If-Match, leases are blob leases (15 to 60 seconds; shorter durations are
/// rounded up to 15). Every name is validated before any request. Failures surface as <see cref="ObjectStoreException"/>
/// naming the object and the container. Call <see cref="EnsureCreatedAsync"/> once before use. Thread-safe.
/// </summary>
public sealed class AzureBlobStore : IObjectStore
{
    private static readonly TimeSpan MinLease = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxLease = TimeSpan.FromSeconds(60);

    private readonly BlobContainerClient _container;

    /// <summary>A store over <paramref name="containerName"/> in the account of <paramref name="connectionString"/> (e.g. Azurite's dev account).</summary>
    public AzureBlobStore(string connectionString, string containerName, BlobClientOptions? options = null)
        : this(new BlobContainerClient(connectionString, containerName, options))
    {
    }

    /// <summary>A store over <paramref name="containerName"/> at <paramref name="accountUrl"/>, authenticated by <paramref name="credential"/>.</summary>
    public AzureBlobStore(Uri accountUrl, TokenCredential credential, string containerName, BlobClientOptions? options = null)
        : this(new BlobServiceClient(accountUrl, credential, options).GetBlobContainerClient(containerName))
    {
    }

    /// <summary>A store over an already configured container client.</summary>
    public AzureBlobStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
    }

    /// <summary>A store at <paramref name="accountUrl"/> signed in with <see cref="DefaultAzureCredential"/> (managed identity in Azure, developer sign-in locally).</summary>
    public static AzureBlobStore WithDefaultCredential(Uri accountUrl, string containerName = "lift") =>
        new(accountUrl, new DefaultAzureCredential(), containerName);

    /// <inheritdoc />
    public string Description => $"{_container.AccountName}/{_container.Name}";

    /// <summary>Creates the container if it does not exist yet.</summary>
    /// <exception cref="ObjectStoreException"><see cref="ObjectStoreException.Unavailable"/> when the account cannot be reached or refuses.</exception>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(_container.Name, "create the container", ex);
        }
    }

    /// <inheritdoc />
    public async Task<ObjectContent?> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(name);
        try
        {
            var result = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            return new ObjectContent(name, result.Content.ToMemory(), Quoted(result.Details.ETag));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(name, "read", ex);
        }
    }

    /// <inheritdoc />
    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(name);
        try
        {
            var result = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return result.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(name, "open", ex);
        }
    }

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default) =>
        TryCreateAsync(name, (blob, options, ct) => blob.UploadAsync(new BinaryData(content), options, ct), cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        // Uploaded in blocks as the stream is read, so the object never has to fit in memory.
        return TryCreateAsync(name, (blob, options, ct) => blob.UploadAsync(content, options, ct), cancellationToken);
    }

    private async Task<bool> TryCreateAsync(string name, Func<BlobClient, BlobUploadOptions, CancellationToken, Task> upload, CancellationToken cancellationToken)
    {
        var blob = BlobOf(name);
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        try
        {
            await upload(blob, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(name, "create", ex);
        }
    }

    /// <inheritdoc />
    public async Task<string> WriteAsync(string name, ReadOnlyMemory<byte> content, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(name);
        var options = new BlobUploadOptions();
        if (ifMatch is not null)
        {
            options.Conditions = new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        }
        try
        {
            var info = await blob.UploadAsync(new BinaryData(content), options, cancellationToken).ConfigureAwait(false);
            return Quoted(info.Value.ETag);
        }
        catch (RequestFailedException ex) when (ifMatch is not null && ex.Status is 412 or 404 && ex.ErrorCode != BlobErrorCode.LeaseIdMissing)
        {
            throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, name,
                $"expected ETag {ifMatch} but the blob in {Description} has changed or is gone; read it again and retry", ex);
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(name, "write", ex);
        }
    }

    /// <inheritdoc />
    public async Task<StoredObject?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(name);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new StoredObject(name, properties.ContentLength, Quoted(properties.ETag), properties.LastModified);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(name, "inspect", ex);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectName.ValidatePrefix(prefix);
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix }, cancellationToken);
        await using var items = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RequestFailedException ex)
            {
                throw Unavailable(prefix, "list", ex);
            }
            var item = items.Current;
            // The service lists in name order; blob names outside our naming rules were not written by the pipeline.
            yield return new StoredObject(item.Name, item.Properties.ContentLength ?? 0, item.Properties.ETag is { } etag ? Quoted(etag) : "",
                item.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(name);
        try
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(name, "delete", ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A blob lease of <paramref name="duration"/> (rounded up to 15 s; at most 60 s — renew to hold it longer). While
    /// held, the service refuses writes and deletes of the leased blob without the lease, so lease a dedicated marker
    /// object (for example <c>locks/{campaign}</c>), not the data being written.
    /// </remarks>
    public async Task<IObjectLease?> TryAcquireLeaseAsync(string name, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var blob = BlobOf(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(duration, MaxLease);
        await TryCreateAsync(name, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        var client = blob.GetBlobLeaseClient();
        try
        {
            await client.AcquireAsync(duration < MinLease ? MinLease : duration, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new AzureBlobLease(name, client, this);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(name, "lease", ex);
        }
    }

    internal ObjectStoreException Unavailable(string name, string action, RequestFailedException ex) =>
        new(ObjectStoreException.Unavailable, name,
            $"Azure Blob storage {Description} could not {action} it (status {ex.Status}, {ex.ErrorCode ?? "no error code"}): {FirstLine(ex.Message)}", ex);

    private BlobClient BlobOf(string name) => _container.GetBlobClient(ObjectName.Validate(name));

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    /// <summary>The ETag in its quoted HTTP form: blob listings report it bare while reads report it quoted, and callers compare the two.</summary>
    private static string Quoted(ETag etag)
    {
        var text = etag.ToString();
        return text.StartsWith('"') ? text : $"\"{text}\"";
    }
}
