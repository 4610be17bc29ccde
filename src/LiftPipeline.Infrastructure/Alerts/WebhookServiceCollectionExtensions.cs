using LiftPipeline.Pipeline.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LiftPipeline.Infrastructure.Alerts;

/// <summary>Registers webhook alert delivery.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="WebhookAlertSink"/> as the singleton <see cref="IAlertSink"/>, <see cref="WebhookOptions"/>
    /// (configured by <paramref name="configure"/>), <see cref="TimeProvider.System"/> unless a clock is registered, and
    /// the named client <c>lift-webhooks</c>: no client-wide timeout (the sink times each attempt) and no automatic
    /// redirects (a webhook that moves must be re-registered), no proxy, and a connect step that resolves the host itself and
    /// refuses internal addresses (<see cref="WebhookTarget"/>). Returns the client builder for further handlers.
    /// </summary>
    public static IHttpClientBuilder AddLiftWebhooks(this IServiceCollection services, Action<WebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<WebhookOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAlertSink, WebhookAlertSink>();
        return services
            .AddHttpClient(WebhookOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                UseProxy = false,
                ConnectCallback = WebhookTarget.ConnectCallback(provider.GetRequiredService<IOptions<WebhookOptions>>().Value),
            });
    }
}
