using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Extensions.Configuration;

namespace LiftPipeline.Functions.Hosting;

/// <summary>
/// The store the functions work on, from app settings: <c>LiftStorage</c> as a connection string (Azurite's
/// <c>UseDevelopmentStorage=true</c> or an account key string), else <c>LiftStorage__blobServiceUri</c> with the app's
/// managed identity (DefaultAzureCredential) — the connection the blob and queue bindings name. Container <c>LiftContainer</c>,
/// default <c>lift</c>, also the container in ExportArrived's trigger path (<c>%LiftContainer%</c>).
/// </summary>
public static class LiftStorageSettings
{
    /// <summary>The connection setting shared with the trigger and output bindings (their <c>Connection</c>).</summary>
    public const string ConnectionName = "LiftStorage";

    /// <summary>The setting naming the container.</summary>
    public const string ContainerSetting = "LiftContainer";

    /// <summary>The container when <see cref="ContainerSetting"/> is not set.</summary>
    public const string DefaultContainer = "lift";

    /// <summary>The configured container name.</summary>
    public static string Container(IConfiguration configuration) =>
        configuration[ContainerSetting] is { Length: > 0 } name ? name : DefaultContainer;

    /// <summary>Creates the store.</summary>
    /// <exception cref="InvalidOperationException">Neither setting is present, or the service URI is not absolute.</exception>
    public static IObjectStore CreateStore(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string container = Container(configuration);
        if (configuration[ConnectionName] is { Length: > 0 } connectionString)
        {
            return new AzureBlobStore(connectionString, container);
        }
        if (configuration[$"{ConnectionName}:blobServiceUri"] is { Length: > 0 } serviceUri)
        {
            return Uri.TryCreate(serviceUri, UriKind.Absolute, out var uri)
                ? AzureBlobStore.WithDefaultCredential(uri, container)
                : throw new InvalidOperationException($"{ConnectionName}__blobServiceUri: '{serviceUri}' is not an absolute URL; use https://{{account}}.blob.core.windows.net.");
        }
        throw new InvalidOperationException(
            $"No storage configured: set {ConnectionName} to a connection string (UseDevelopmentStorage=true for Azurite) " +
            $"or {ConnectionName}__blobServiceUri to the account's blob endpoint for managed identity.");
    }
}
