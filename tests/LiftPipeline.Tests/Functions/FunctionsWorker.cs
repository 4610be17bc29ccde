using System.Text;
using Azure.Storage.Blobs;
using LiftPipeline.Functions.Hosting;
using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Storage;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LiftPipeline.Tests.Functions;

/// <summary>
/// The isolated worker's service container, built as Program.cs builds it (<c>FunctionsApplication.CreateBuilder</c> +
/// <see cref="LiftFunctionsServices.AddLiftFunctions"/>) over a fresh Azurite container, with function classes created
/// the way the worker's activator creates them: per invocation, from a scope, by <see cref="ActivatorUtilities"/>.
/// The host itself is never started (that needs the Functions host's gRPC endpoint).
/// </summary>
internal sealed class FunctionsWorker : IDisposable
{
    public const string SecretName = "OpsHookSecret";
    public const string Secret = "whsec-functions-test-42";

    private readonly IHost _host;
    private readonly List<IServiceScope> _scopes = [];

    private FunctionsWorker(IHost host, BlobContainerClient container, IObjectStore store)
    {
        _host = host;
        Container = container;
        Store = store;
    }

    /// <summary>The container the functions work on, for making trigger blobs.</summary>
    public BlobContainerClient Container { get; }

    /// <summary>The same container as a store, for writing inputs and reading results.</summary>
    public IObjectStore Store { get; }

    public static async Task<FunctionsWorker> StartAsync(AzuriteFixture azurite, IReadOnlyDictionary<string, string?>? settings = null)
    {
        string connection = azurite.RequireConnectionString();
        string container = "fn-" + Guid.NewGuid().ToString("N")[..16];
        var store = new AzureBlobStore(connection, container);
        await store.EnsureCreatedAsync();
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [LiftStorageSettings.ConnectionName] = connection,
            [LiftStorageSettings.ContainerSetting] = container,
            [$"{LiftFunctionsServices.WebhookSecretsSection}:{SecretName}"] = Secret,
            [LiftFunctionsServices.WebhookAllowSetting] = "http,127.0.0.1/32",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddLiftFunctions(builder.Configuration);
        return new FunctionsWorker(builder.Build(), new BlobContainerClient(connection, container), store);
    }

    /// <summary>A function class as the worker creates it for one invocation.</summary>
    public T Create<T>()
    {
        var scope = _host.Services.CreateScope();
        _scopes.Add(scope);
        return ActivatorUtilities.CreateInstance<T>(scope.ServiceProvider);
    }

    /// <summary>The trigger's <c>{campaign}</c> and <c>{name}</c> for a blob under <c>exports/</c>, split as the trigger path splits it.</summary>
    public static (string Campaign, string Name) PathParts(string blobName)
    {
        var rest = blobName["exports/".Length..];
        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        return (rest[..slash], rest[(slash + 1)..]);
    }

    /// <summary>Writes campaign.json for a GeoLift_Test panel campaign measured with DiD (point estimates only).</summary>
    public Task WriteCampaignAsync(string id, Uri? subscriber = null, bool active = true)
    {
        string subscribers = subscriber is null ? "" : $$$""", "subscribers": [{"name": "ops", "url": "{{{subscriber}}}", "secretName": "{{{SecretName}}}"}]""";
        string json = $$$"""
            {"id": "{{{id}}}", "name": "Geo {{{id}}}", "design": "panel", "active": {{{(active ? "true" : "false")}}}, "metrics": ["conversions"],
             "estimators": ["did"], "variance": "none", "guardrails": {"lateAfterDays": 36500}{{{subscribers}}}}
            """;
        return Store.WriteAsync($"campaigns/{id}/campaign.json", Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Drops the GeoLift_Test panel as an export of <paramref name="campaign"/>; returns its name.</summary>
    public async Task<string> WriteExportAsync(string campaign, string file = "geolift-test.parquet")
    {
        string name = $"exports/{campaign}/{file}";
        await Store.WriteAsync(name, await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));
        return name;
    }

    public async Task<string[]> NamesAsync(string prefix = "")
    {
        var names = new List<string>();
        await foreach (var item in Store.ListAsync(prefix))
        {
            names.Add(item.Name);
        }
        return [.. names.Order(StringComparer.Ordinal)];
    }

    public void Dispose()
    {
        foreach (var scope in _scopes)
        {
            scope.Dispose();
        }
        _host.Dispose();
    }
}
