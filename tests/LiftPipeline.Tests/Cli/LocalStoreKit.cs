using System.Text;

namespace LiftPipeline.Tests.Cli;

/// <summary>Folder stores for the local pipeline commands: a campaign on the GeoLift_Test panel, exports dropped as files.</summary>
internal static class LocalStoreKit
{
    /// <summary>The campaign id used by the CLI pipeline tests.</summary>
    public const string Campaign = "geo";

    /// <summary>campaign.json measuring conversions with sdid then did; no variance, so a run takes a second.</summary>
    public static string CampaignJson(string variance = "none") =>
        $$"""{"id": "{{Campaign}}", "name": "Geo test", "design": "panel", "metrics": ["conversions"], "estimators": ["sdid", "did"], "variance": "{{variance}}", "replications": 20, "guardrails": {"lateAfterDays": 36500} }""";

    /// <summary>Writes campaigns/geo/campaign.json under <paramref name="root"/>.</summary>
    public static void WriteCampaign(string root, string? json = null)
    {
        var folder = Path.Combine(root, "campaigns", Campaign);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "campaign.json"), json ?? CampaignJson(), new UTF8Encoding(false));
    }

    /// <summary>Copies GeoLift_Test.parquet to exports/geo/{file}.</summary>
    public static void DropPanel(string root, string file = "week1.parquet") =>
        Drop(root, file, File.ReadAllBytes(TestData.Panel("GeoLift_Test.parquet")));

    /// <summary>Writes <paramref name="content"/> to exports/geo/{file}.</summary>
    public static void Drop(string root, string file, byte[] content)
    {
        var folder = Path.Combine(root, "exports", Campaign);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, file), content);
    }

    /// <summary>Every file under <paramref name="folder"/> of <paramref name="root"/> with its bytes, by relative path.</summary>
    public static SortedDictionary<string, byte[]> Snapshot(string root, string folder)
    {
        var all = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var path = Path.Combine(root, folder);
        if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
            {
                all[Path.GetRelativePath(root, file)] = File.ReadAllBytes(file);
            }
        }
        return all;
    }
}
