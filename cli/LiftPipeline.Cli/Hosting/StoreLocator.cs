using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Cli.Hosting;

/// <summary>What kind of store a <c>--store</c> argument names.</summary>
internal enum StoreKind
{
    /// <summary>A local folder (an error when missing, unless <c>--create</c>): <see cref="FolderStore"/>.</summary>
    Folder,

    /// <summary>An Azure Storage connection string (Azurite's included): <see cref="AzureBlobStore"/> with that key.</summary>
    ConnectionString,

    /// <summary>An <c>https://{account}.blob.core.windows.net</c> URL: <see cref="AzureBlobStore"/> signed in with the default Azure credential.</summary>
    AccountUrl,
}

/// <summary>A parsed <c>--store</c> argument: its kind, the value, and the container for blob stores.</summary>
internal sealed record StoreLocation(StoreKind Kind, string Value, string Container)
{
    /// <summary>What to print: the folder's full path, the account URL, or the connection string's endpoint without its key.</summary>
    public string Display => Kind switch
    {
        StoreKind.Folder => Value,
        StoreKind.AccountUrl => $"{Value.TrimEnd('/')}/{Container}",
        _ => $"{StoreLocator.Endpoint(Value)}/{Container}",
    };
}

/// <summary>The <c>--store</c> argument was neither a folder, a connection string nor a blob account URL.</summary>
internal sealed class StoreLocationException(string message) : Exception(message);

/// <summary>
/// Turns the <c>--store</c> argument of <c>lift run</c>, <c>watch</c> and <c>demo</c> into an <see cref="IObjectStore"/>:
/// a value containing <c>AccountName=</c>, <c>BlobEndpoint=</c> or <c>UseDevelopmentStorage=true</c> is an Azure Storage
/// connection string; an <c>https://</c> URL whose host ends in <c>.blob.core.windows.net</c> is a blob account signed in
/// with <c>DefaultAzureCredential</c>; any other URL or <c>key=value;</c> text is an error; everything else is a folder path
/// (relative to the current directory).
/// </summary>
internal static class StoreLocator
{
    /// <summary>The default <c>--store</c>: <c>./lift-store</c>.</summary>
    public const string DefaultStore = "./lift-store";

    /// <summary>The default blob container.</summary>
    public const string DefaultContainer = "lift";

    /// <summary>Classifies <paramref name="store"/>.</summary>
    /// <exception cref="StoreLocationException">The value is empty, an unsupported URL, a connection string without an account, or an existing file.</exception>
    public static StoreLocation Parse(string store, string container, string currentDirectory)
    {
        var value = store?.Trim() ?? "";
        if (value.Length == 0)
        {
            throw new StoreLocationException("--store is empty; give a folder (default ./lift-store), an Azure Storage connection string or an https://{account}.blob.core.windows.net URL.");
        }
        if (IsConnectionString(value))
        {
            return new StoreLocation(StoreKind.ConnectionString, value, ValidContainer(container));
        }
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is not "file" && value.Contains("://", StringComparison.Ordinal))
        {
            if (uri.Scheme == Uri.UriSchemeHttps && uri.Host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase))
            {
                return new StoreLocation(StoreKind.AccountUrl, $"https://{uri.Host}/", ValidContainer(container));
            }
            throw new StoreLocationException($"--store '{value}' is a URL but not an https://{{account}}.blob.core.windows.net account; for Azurite or another endpoint pass a connection string (with BlobEndpoint=…).");
        }
        if (value.Contains('=', StringComparison.Ordinal) && value.Contains(';', StringComparison.Ordinal))
        {
            throw new StoreLocationException($"--store looks like a connection string but names no account; it needs AccountName=… (with AccountKey=…), BlobEndpoint=… or UseDevelopmentStorage=true.");
        }
        var path = Path.GetFullPath(value, currentDirectory);
        if (File.Exists(path))
        {
            throw new StoreLocationException($"--store '{value}' is a file ({path}); give the store's folder, which holds campaigns/ and exports/.");
        }
        return new StoreLocation(StoreKind.Folder, path, ValidContainer(container));
    }

    /// <summary>
    /// Refuses a folder store that does not exist unless <paramref name="create"/>: a mistyped <c>--store</c> must not
    /// silently become a new, empty store. Blob stores pass (their container is created when missing).
    /// </summary>
    /// <exception cref="StoreLocationException">The folder does not exist and <paramref name="create"/> is false.</exception>
    public static StoreLocation RequireExisting(StoreLocation location, bool create) =>
        location.Kind != StoreKind.Folder || create || Directory.Exists(location.Value)
            ? location
            : throw new StoreLocationException($"store folder {location.Value} does not exist; create it with --create or check the path");

    /// <summary>Opens the store at <paramref name="location"/>: creates the folder or the blob container when missing (see <see cref="RequireExisting"/>).</summary>
    /// <exception cref="ObjectStoreException">The blob account cannot be reached or refuses.</exception>
    public static async Task<IObjectStore> OpenAsync(StoreLocation location, TimeProvider clock, CancellationToken cancellationToken)
    {
        switch (location.Kind)
        {
            case StoreKind.Folder:
                Directory.CreateDirectory(location.Value);
                return new FolderStore(location.Value, clock);
            case StoreKind.ConnectionString:
                var keyed = new AzureBlobStore(location.Value, location.Container);
                await keyed.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                return keyed;
            default:
                var signedIn = AzureBlobStore.WithDefaultCredential(new Uri(location.Value), location.Container);
                await signedIn.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
                return signedIn;
        }
    }

    /// <summary>True when <paramref name="value"/> carries one of the connection-string keys that name a blob account.</summary>
    public static bool IsConnectionString(string value) =>
        value.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase)
        || value.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The blob endpoint or account name of a connection string, never its key.</summary>
    internal static string Endpoint(string connectionString)
    {
        string? account = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var key = part[..eq];
            if (key.Equals("BlobEndpoint", StringComparison.OrdinalIgnoreCase))
            {
                return part[(eq + 1)..].TrimEnd('/');
            }
            if (key.Equals("AccountName", StringComparison.OrdinalIgnoreCase))
            {
                account = $"https://{part[(eq + 1)..]}.blob.core.windows.net";
            }
            if (key.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase))
            {
                account ??= "http://127.0.0.1:10000/devstoreaccount1";
            }
        }
        return account ?? "(connection string)";
    }

    /// <summary>Container names are 3-63 characters of a-z, 0-9 and single '-', starting and ending with a letter or digit.</summary>
    private static string ValidContainer(string container)
    {
        bool valid = container is { Length: >= 3 and <= 63 }
            && container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            && container[0] != '-' && container[^1] != '-' && !container.Contains("--", StringComparison.Ordinal);
        return valid ? container : throw new StoreLocationException(
            $"--container '{container}' is not a blob container name: use 3-63 characters of a-z, 0-9 and single '-', starting and ending with a letter or digit (default {DefaultContainer}).");
    }
}
