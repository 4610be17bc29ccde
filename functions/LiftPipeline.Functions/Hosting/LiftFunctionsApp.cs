using System.Globalization;
using System.Net;
using LiftPipeline.Functions.Functions;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Functions.Hosting;

/// <summary>
/// The custom handler's composition root: Kestrel on 127.0.0.1 at <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (set by the
/// Functions host; 7071 when run on its own), the store, the clock, webhook delivery with secrets from
/// <c>Webhooks:Secrets</c> (app settings <c>Webhooks__Secrets__{secretName}</c>), and one POST route per function at
/// <c>/{FunctionName}</c>.
/// </summary>
public static class LiftFunctionsApp
{
    /// <summary>The setting the Functions host uses to tell a custom handler its port.</summary>
    public const string PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>The port when <see cref="PortSetting"/> is not set.</summary>
    public const int DefaultPort = 7071;

    /// <summary>Builds the app; <paramref name="settings"/> override environment and command-line settings (tests use it).</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var configuration = builder.Configuration;
        int port = configuration[PortSetting] is { Length: > 0 } text ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : DefaultPort;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IObjectStore>(_ => LiftStorageSettings.CreateStore(configuration));
        builder.Services.AddLiftWebhooks(options =>
        {
            foreach (var secret in configuration.GetSection("Webhooks:Secrets").GetChildren())
            {
                if (secret.Value is { Length: > 0 } value)
                {
                    options.WebhookSecrets[secret.Key] = value;
                }
            }
        });
        builder.Services.AddSingleton<ExportArrivedFunction>();
        builder.Services.AddSingleton<NightlyRunFunction>();
        builder.Services.AddSingleton<MeasureCampaignFunction>();
        builder.Services.AddSingleton<DeliverAlertsFunction>();

        var app = builder.Build();
        app.MapPost("/ExportArrived", (ExportArrivedFunction f, HttpRequest r, CancellationToken ct) => f.InvokeAsync(r.Body, ct));
        app.MapPost("/NightlyRun", (NightlyRunFunction f, HttpRequest r, CancellationToken ct) => f.InvokeAsync(r.Body, ct));
        app.MapPost("/MeasureCampaign", (MeasureCampaignFunction f, HttpRequest r, CancellationToken ct) => f.InvokeAsync(r.Body, ct));
        app.MapPost("/DeliverAlerts", (DeliverAlertsFunction f, HttpRequest r, CancellationToken ct) => f.InvokeAsync(r.Body, ct));
        return app;
    }
}
