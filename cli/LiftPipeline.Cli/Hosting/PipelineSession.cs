using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LiftPipeline.Cli.Hosting;

/// <summary>
/// One opened store and the local pipeline over it, with webhook delivery composed the way the Functions app composes
/// it (<see cref="WebhookServiceCollectionExtensions.AddLiftWebhooks"/>), secrets from <see cref="WebhookSecretsFromEnvironment"/>,
/// the target allow-list from <see cref="AllowVariable"/>.
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

    /// <summary>
    /// The environment variable holding the webhook allow-list (<see cref="WebhookOptions.Allow"/>): <c>http</c> and CIDR
    /// networks, e.g. <c>LIFT_WEBHOOK_ALLOW="http,127.0.0.1/32"</c> for a receiver on this machine. Unset: https only, no internal address.
    /// </summary>
    public const string AllowVariable = "LIFT_WEBHOOK_ALLOW";

    /// <summary>Opens <paramref name="location"/> and composes the webhook sink.</summary>
    /// <exception cref="ObjectStoreException">The blob account cannot be reached or refuses.</exception>
    /// <exception cref="FormatException"><see cref="AllowVariable"/> has an entry that is neither <c>http</c> nor a network; the message names it.</exception>
    public static async Task<PipelineSession> OpenAsync(StoreLocation location, CliHost host, CancellationToken cancellationToken)
    {
        var environment = host.Environment();
        var allow = environment[AllowVariable] as string;
        try
        {
            new WebhookOptions().Allow(allow);   // checked before the store is opened: a typo must not wait for a delivery
        }
        catch (FormatException e)
        {
            throw new FormatException($"{AllowVariable}: {e.Message}", e);
        }
        var store = await StoreLocator.OpenAsync(location, host.Clock, cancellationToken).ConfigureAwait(false);
        var secrets = WebhookSecretsFromEnvironment.Read(environment);
        var services = new ServiceCollection();
        services.AddSingleton(host.Clock);
        services.AddLiftWebhooks(options =>
        {
            options.WebhookSecrets = secrets;
            options.SecretSetting = name => "environment variable " + WebhookSecretsFromEnvironment.VariableName(name);
            options.Allow(allow);
        });
        return new PipelineSession(location, store, services.BuildServiceProvider());
    }

    /// <summary>A local pipeline over the store reporting to <paramref name="progress"/>.</summary>
    public LocalPipeline Pipeline(CliHost host, IProgress<PipelineProgress>? progress) =>
        new(Store, Sink, host.Clock) { Progress = progress };

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
