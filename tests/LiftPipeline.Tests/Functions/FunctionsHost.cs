using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LiftPipeline.Functions.Hosting;
using LiftPipeline.Infrastructure.Storage;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Storage;
using Microsoft.AspNetCore.Builder;

namespace LiftPipeline.Tests.Functions;

/// <summary>The host's answer to one invocation: status, the output bindings' messages, the log lines.</summary>
internal sealed record Invocation(HttpStatusCode Status, IReadOnlyDictionary<string, string[]> Outputs, string[] Logs)
{
    public string[] Output(string binding) => Outputs.TryGetValue(binding, out var messages) ? messages : [];
}

/// <summary>
/// The custom handler running for real on 127.0.0.1 (a free port, as the Functions host would assign), over a fresh
/// Azurite container, called the way the Functions host calls it: POST /{FunctionName} with the invocation payload.
/// </summary>
internal sealed class FunctionsHost : IAsyncDisposable
{
    public const string SecretName = "OpsHookSecret";
    public const string Secret = "whsec-functions-test-42";

    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private FunctionsHost(WebApplication app, HttpClient client, AzureBlobStore store, string container)
    {
        _app = app;
        _client = client;
        Store = store;
        Container = container;
    }

    public IObjectStore Store { get; }

    public string Container { get; }

    public static async Task<FunctionsHost> StartAsync(AzuriteFixture azurite)
    {
        string connection = azurite.RequireConnectionString();
        string container = "fn-" + Guid.NewGuid().ToString("N")[..16];
        var store = new AzureBlobStore(connection, container);
        await store.EnsureCreatedAsync();
        int port = FreePort();
        var app = LiftFunctionsApp.Build([], new Dictionary<string, string?>
        {
            [LiftFunctionsApp.PortSetting] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LiftStorage"] = connection,
            ["LiftContainer"] = container,
            [$"Webhooks:Secrets:{SecretName}"] = Secret,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:LiftPipeline"] = "Warning",
        });
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        return new FunctionsHost(app, client, store, container);
    }

    /// <summary>POSTs <paramref name="payload"/> to /<paramref name="function"/> and reads the response payload.</summary>
    public async Task<Invocation> InvokeAsync(string function, string payload)
    {
        using var content = new StringContent(payload, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(function, content);
        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var root = body.RootElement;
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ReturnValue").ValueKind);
        var outputs = root.GetProperty("Outputs").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());
        var logs = root.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToArray();
        return new Invocation(response.StatusCode, outputs, logs);
    }

    /// <summary>The blob URL Event Grid would send for <paramref name="name"/> — Azurite's path form.</summary>
    public string BlobUrl(string name) => $"http://127.0.0.1:10000/devstoreaccount1/{Container}/{name}";

    /// <summary>An Event Grid trigger payload; the event passed as a JSON string or as the object itself.</summary>
    public static string EventGridPayload(string url, string eventType = "Microsoft.Storage.BlobCreated", string id = "0f6c8a52-3b1e-4c1d-9d5e-7a2b4c6d8e10", bool asString = true)
    {
        string gridEvent = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = id,
            ["topic"] = "/subscriptions/0000/resourceGroups/lift/providers/Microsoft.Storage/storageAccounts/liftdata",
            ["subject"] = "/blobServices/default/containers/lift/blobs/exports",
            ["eventType"] = eventType,
            ["eventTime"] = "2026-11-23T02:00:00Z",
            ["dataVersion"] = "",
            ["data"] = new Dictionary<string, object> { ["api"] = "PutBlob", ["blobType"] = "BlockBlob", ["url"] = url },
        });
        string value = asString ? JsonSerializer.Serialize(gridEvent) : gridEvent;
        return $$$"""{"Data": {"event": {{{value}}}}, "Metadata": {"sys": {"MethodName": "ExportArrived"} } }""";
    }

    /// <summary>A queue trigger payload for binding <c>request</c>; the message as a JSON string or as the object.</summary>
    public static string QueuePayload(string message, bool asString = true) =>
        $$$"""{"Data": {"request": {{{(asString ? JsonSerializer.Serialize(message) : message)}}}}, "Metadata": {"DequeueCount": 1, "Id": "5d4e3c2b"}}""";

    /// <summary>A timer trigger payload for binding <c>timer</c>.</summary>
    public const string TimerPayload = """
        {"Data": {"timer": {"Schedule": {"AdjustForDST": true},
          "ScheduleStatus": {"Last": "2026-11-22T02:00:00+00:00", "Next": "2026-11-24T02:00:00+00:00", "LastUpdated": "2026-11-22T02:00:00+00:00"},
          "IsPastDue": false}},
         "Metadata": {"sys": {"MethodName": "NightlyRun"}}}
        """;

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

    /// <summary>Drops the GeoLift_Test panel as an export of <paramref name="campaign"/>.</summary>
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

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
