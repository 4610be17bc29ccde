using System.Security.Cryptography;
using System.Text;

namespace LiftPipeline.Pipeline.Runs;

/// <summary>
/// What a measurement is of: the content-addressed dataset object it read, the SHA-256 of the campaign.json it was
/// configured by, the <see cref="EngineVersion"/> that computed it, and the versions of any other stored objects its checks
/// read (the campaign's assignment). Seeds are fixed in the settings, so the same parts give the same answer and a
/// measurement stored under this key is reused instead of being recomputed.
/// </summary>
/// <param name="Dataset">The dataset object (<c>datasets/{campaign}/panel-{hash}.parquet</c> or <c>holdout-{hash}.json</c>).</param>
/// <param name="CampaignJsonSha256">SHA-256 of campaign.json's bytes (any edit, even of whitespace, makes a new key).</param>
/// <param name="Engine">The engine version.</param>
/// <param name="Inputs">Other objects the checks read, as <c>{name}@{version}</c> lines; empty when none.</param>
public sealed record MeasurementKey(string Dataset, string CampaignJsonSha256, string Engine, string Inputs = "")
{
    /// <summary>
    /// The key as 32 lower-case hex digits: SHA-256 of the parts, one per line, after a version tag (the inputs line only
    /// when there are inputs, so keys of campaigns without them are unchanged).
    /// </summary>
    public string Hash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"measurement-key 1\n{Dataset}\n{CampaignJsonSha256}\n{Engine}{(Inputs.Length == 0 ? "" : $"\n{Inputs}")}")))[..32];
}
