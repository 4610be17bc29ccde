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
/// rounded up to 15). Every name is validated before any request. Every failure — a service error, a lost or refused
/// connection, a DNS failure, a timeout after the client's retries, a sign-in failure, a malformed connection string —
/// surfaces as one <see cref="ObjectStoreException"/> naming the object and account/container (never the key) and what
/// to check. Without options the client retries twice (0.5 s, then 1 s) with a 30 s network timeout per try, so a store
/// that is down fails in seconds. Call <see cref="EnsureCreatedAsync"/> once before use. Thread-safe.
/// </summary>
public sealed class AzureBlobStore : IObjectStore
{
    private static readonly TimeSpan MinLease = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxLease = TimeSpan.FromSeconds(60);

    private readonly BlobContainerClient _container;

    /// <summary>A store over <paramref name="containerName"/> in the account of <paramref name="connectionString"/> (e.g. Azurite's dev account).</summary>
    /// <param name="connectionString">An Azure Storage connection string.</param>
    /// <param name="containerName">The blob container.</param>
    /// <param name="options">Client options; default <see cref="DefaultOptions"/>.</param>
    /// <exception cref="ObjectStoreException"><see cref="ObjectStoreException.Unavailable"/> when the connection string is malformed.</exception>
    public AzureBlobStore(string connectionString, string containerName, BlobClientOptions? options = null)
        : this(ContainerOf(connectionString, containerName, options ?? DefaultOptions()))
    {
    }

    /// <summary>A store over <paramref name="containerName"/> at <paramref name="accountUrl"/>, authenticated by <paramref name="credential"/>.</summary>
    public AzureBlobStore(Uri accountUrl, TokenCredential credential, string containerName, BlobClientOptions? options = null)
        : this(new BlobServiceClient(accountUrl, credential, options ?? DefaultOptions()).GetBlobContainerClient(containerName))
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

    /// <summary>
    /// The client options used when none are given: two retries (exponential from 0.5 s, at most 4 s) and a 30 s network
    /// timeout per try, so an unreachable account fails within seconds instead of the SDK default's long back-off.
    /// </summary>
    public static BlobClientOptions DefaultOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            throw Unavailable(_container.Name, "create", ex);   // the name is the container: "could not create it"
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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
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
            catch (Exception ex) when (IsFailure(ex, cancellationToken))
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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
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
        catch (Exception ex) when (IsFailure(ex, cancellationToken))
        {
            throw Unavailable(name, "lease", ex);
        }
    }

    /// <summary>
    /// True for what the SDK and the network throw when a request fails: service errors, transport errors (wrapped in
    /// an AggregateException once the retries are spent), sign-in failures and timeouts — not the caller's own cancellation.
    /// </summary>
    internal static bool IsFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        RequestFailedException or AggregateException or HttpRequestException or AuthenticationFailedException
            or IOException or TimeoutException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    internal ObjectStoreException Unavailable(string name, string action, Exception ex) =>
        new(ObjectStoreException.Unavailable, name, $"Azure Blob storage {Description} could not {action} it: {Reason(ex)}", ex);

    /// <summary>One line on what went wrong and what to check; the innermost transport error when the service never answered.</summary>
    private static string Reason(Exception ex)
    {
        if (ex is RequestFailedException { Status: > 0 } answered)
        {
            return $"status {answered.Status}, {answered.ErrorCode ?? "no error code"}: {FirstLine(answered.Message)}";
        }
        if (ex is AuthenticationFailedException)
        {
            return $"sign-in failed ({FirstLine(ex.Message)}); check the identity and its Storage Blob Data Contributor role";
        }
        var innermost = ex;
        while (innermost.InnerException is { } inner)
        {
            innermost = inner;
        }
        return ex is OperationCanceledException or TimeoutException || innermost is TimeoutException
            ? "no answer within the network timeout; check that the account is reachable from here"
            : $"no connection ({FirstLine(innermost.Message)}); check that the account or Azurite is running and the endpoint is right";
    }

    /// <summary>The container client of a connection string, or one error line that never repeats the string (it holds the key).</summary>
    private static BlobContainerClient ContainerOf(string connectionString, string containerName, BlobClientOptions options)
    {
        try
        {
            return new BlobContainerClient(connectionString, containerName, options);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or UriFormatException)
        {
            throw new ObjectStoreException(ObjectStoreException.Unavailable, containerName,
                "the Azure Storage connection string is malformed; check its account name, its account key (base64, as the portal shows it) and its blob endpoint (an http(s) URL)", ex);
        }
    }

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
