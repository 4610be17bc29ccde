using System.Text;
using System.Text.Json;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// A folder store with two campaigns and two webhook subscribers each: <c>geo</c> gets a valid panel export (its DiD
/// primary estimate breaches pre-fit, so measuring raises an alert) and <c>bad</c> gets an export that is not Parquet
/// (quarantined with a data-quality alert).
/// </summary>
internal sealed class FaultScenario : IDisposable
{
    public FaultScenario()
    {
        Root = Directory.CreateTempSubdirectory("lift-faults-").FullName;
    }

    public string Root { get; }

    public static string CampaignJson(string id, params (string Name, Uri Url)[] subscribers)
    {
        var list = string.Join(", ", subscribers.Select(s => $$"""{ "name": "{{s.Name}}", "url": "{{s.Url}}", "secretName": "acme-signing" }"""));
        return $$"""
            { "id": "{{id}}", "name": "Geo {{id}}", "design": "panel", "metrics": ["conversions"], "estimators": ["did", "sdid"],
              "variance": "none", "guardrails": { "lateAfterDays": 36500 }, "subscribers": [{{list}}] }
            """;
    }

    public FaultScenario Campaign(string id, params (string Name, Uri Url)[] subscribers)
    {
        Write($"campaigns/{id}/campaign.json", Encoding.UTF8.GetBytes(CampaignJson(id, subscribers)));
        return this;
    }

    public FaultScenario Panel(string campaign, string file = "week1.parquet")
    {
        Write($"exports/{campaign}/{file}", File.ReadAllBytes(TestData.Panel("GeoLift_Test.parquet")));
        return this;
    }

    public FaultScenario Broken(string campaign, string file = "broken.parquet")
    {
        Write($"exports/{campaign}/{file}", "PAR1 this is not a parquet file PAR1"u8.ToArray());
        return this;
    }

    public void Write(string name, byte[] content)
    {
        var path = Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    public bool Exists(string name) => File.Exists(Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar)));

    /// <summary>How many requests the receiver got per X-Lift-Alert-Id.</summary>
    public static Dictionary<string, int> PerAlert(WebhookReceiver receiver) =>
        receiver.Received.GroupBy(r => r.Headers["X-Lift-Alert-Id"]!).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The guardrail named in each alert the receiver got, by alert id.</summary>
    public static Dictionary<string, string> Guardrails(WebhookReceiver receiver) =>
        receiver.Received.GroupBy(r => r.Headers["X-Lift-Alert-Id"]!)
            .ToDictionary(g => g.Key, g => JsonDocument.Parse(g.First().Body).RootElement.GetProperty("guardrail").GetString()!);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
