using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LiftPipeline.Functions.Hosting;

/// <summary>The services the functions are built from; Program.cs and the tests register them the same way.</summary>
public static class LiftFunctionsServices
{
    /// <summary>The configuration section whose children are webhook signing secrets by secret name (app settings <c>Webhooks__Secrets__{secretName}</c>).</summary>
    public const string WebhookSecretsSection = "Webhooks:Secrets";

    /// <summary>
    /// The setting holding the webhook target allow-list (app setting <c>Webhooks__Allow</c>; see <see cref="WebhookOptions.Allow"/>):
    /// <c>http</c> and CIDR networks. Unset: https only, no loopback, private or link-local address.
    /// </summary>
    public const string WebhookAllowSetting = "Webhooks:Allow";

    /// <summary>
    /// Registers the clock, the store (<see cref="LiftStorageSettings.CreateStore"/>, created on first use from
    /// <paramref name="configuration"/>) and webhook delivery with the secrets under <see cref="WebhookSecretsSection"/> and the allow-list <see cref="WebhookAllowSetting"/>.
    /// The worker creates the function classes itself, injecting these.
    /// </summary>
    public static IServiceCollection AddLiftFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IObjectStore>(_ => LiftStorageSettings.CreateStore(configuration));
        services.AddLiftWebhooks(options =>
        {
            options.Allow(configuration[WebhookAllowSetting]);
            foreach (var secret in configuration.GetSection(WebhookSecretsSection).GetChildren())
            {
                if (secret.Value is { Length: > 0 } value)
                {
                    options.WebhookSecrets[secret.Key] = value;
                }
            }
        });
        return services;
    }
}
