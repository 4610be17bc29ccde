using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
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
    /// The setting holding the rows per shard-range work item of a large holdout export (app setting <c>LiftRowsPerWorkItem</c>;
    /// see <see cref="ExportArrivedHandler.RowsPerWorkItem"/>). Unset: <see cref="ShardRanges.DefaultRowsPerWorkItem"/>.
    /// </summary>
    public const string RowsPerWorkItemSetting = "LiftRowsPerWorkItem";

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
        services.AddSingleton(new FanOutSettings(RowsPerWorkItem(configuration[RowsPerWorkItemSetting])));
        services.AddLiftWebhooks(options =>
        {
            options.Allow(configuration[WebhookAllowSetting]);
            options.SecretSetting = name => $"app setting {WebhookSecretsSection}:{name}";
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

    private static long RowsPerWorkItem(string? setting) =>
        string.IsNullOrWhiteSpace(setting) ? ShardRanges.DefaultRowsPerWorkItem
        : long.TryParse(setting, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long rows) && rows >= 1 ? rows
        : throw new InvalidOperationException($"App setting {RowsPerWorkItemSetting} is '{setting}'; give a whole number of rows of at least 1, or leave it unset for {ShardRanges.DefaultRowsPerWorkItem:N0}.");
}

/// <summary>How large holdout exports are split into shard-range work items.</summary>
/// <param name="RowsPerWorkItem">Rows per range (<see cref="ExportArrivedHandler.RowsPerWorkItem"/>).</param>
public sealed record FanOutSettings(long RowsPerWorkItem);
