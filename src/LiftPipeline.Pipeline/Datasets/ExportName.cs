using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>An export's object name, <c>exports/{campaign}/{file}</c>, split and checked before any storage call.</summary>
public sealed record ExportName(CampaignId Campaign, string File)
{
    /// <summary>The object name.</summary>
    public string Path => $"exports/{Campaign}/{File}";

    /// <summary>Where a rejected copy goes: <c>quarantine/{campaign}/{file}</c>.</summary>
    public string QuarantinePath => $"quarantine/{Campaign}/{File}";

    /// <summary>The reason next to it: <c>quarantine/{campaign}/{file}.error.json</c>.</summary>
    public string ErrorPath => QuarantinePath + ".error.json";

    /// <summary>The campaign's settings: <c>campaigns/{campaign}/campaign.json</c>.</summary>
    public string CampaignConfigPath => $"campaigns/{Campaign}/campaign.json";

    /// <summary>Splits <paramref name="name"/>.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: not <c>exports/{campaign}/{file}</c>, an invalid campaign id, or an unsafe name.</exception>
    public static ExportName Parse(string name)
    {
        ObjectName.Validate(name);
        var parts = name.Split('/');
        if (parts.Length != 3 || parts[0] != "exports")
        {
            throw new ObjectStoreException(ObjectStoreException.InvalidName, name, "exports are named exports/{campaign}/{file}");
        }
        return new ExportName(CampaignId.Parse(parts[1]), parts[2]);
    }
}
