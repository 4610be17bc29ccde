using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LiftPipeline.Cli.Hosting;

/// <summary>
/// One opened store and the local pipeline over it, with webhook delivery composed the way the Functions app composes
/// it (<see cref="WebhookServiceCollectionExtensions.AddLiftWebhooks"/>), secrets from <see cref="WebhookSecretsFromEnvironment"/>.
/// Dispose to release the HTTP clients.
/// </summary>
internal sealed class PipelineSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private PipelineSession(StoreLocation location, IObjectStore store, ServiceProvider services)
    {
        Location = location;
        Store = store;
        _services = services;
    }

    /// <summary>Where the store is.</summary>
    public StoreLocation Location { get; }

    /// <summary>The opened store.</summary>
    public IObjectStore Store { get; }

    /// <summary>The alert sink (webhooks).</summary>
    public IAlertSink Sink => _services.GetRequiredService<IAlertSink>();

    /// <summary>Opens <paramref name="location"/> and composes the webhook sink.</summary>
    /// <exception cref="ObjectStoreException">The blob account cannot be reached or refuses.</exception>
    public static async Task<PipelineSession> OpenAsync(StoreLocation location, CliHost host, CancellationToken cancellationToken)
    {
        var store = await StoreLocator.OpenAsync(location, host.Clock, cancellationToken).ConfigureAwait(false);
        var secrets = WebhookSecretsFromEnvironment.Read(host.Environment());
        var services = new ServiceCollection();
        services.AddSingleton(host.Clock);
        services.AddLiftWebhooks(options => options.WebhookSecrets = secrets);
        return new PipelineSession(location, store, services.BuildServiceProvider());
    }

    /// <summary>A local pipeline over the store reporting to <paramref name="progress"/>.</summary>
    public LocalPipeline Pipeline(CliHost host, IProgress<PipelineProgress>? progress) =>
        new(Store, Sink, host.Clock) { Progress = progress };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
