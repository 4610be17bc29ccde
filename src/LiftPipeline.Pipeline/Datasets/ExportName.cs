using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>An export's object name, <c>exports/{campaign}/{file}</c>, split and checked before any storage call; its names come from <see cref="StoreLayout"/>.</summary>
public sealed record ExportName(CampaignId Campaign, string File)
{
    /// <summary>The object name.</summary>
    public string Path => StoreLayout.Export(Campaign, File);

    /// <summary>Where a rejected copy goes: <c>quarantine/{campaign}/{file}</c>.</summary>
    public string QuarantinePath => StoreLayout.Quarantine(Campaign, File);

    /// <summary>The reason next to it: <c>quarantine/{campaign}/{file}.error.json</c>.</summary>
    public string ErrorPath => StoreLayout.QuarantineError(Campaign, File);

    /// <summary>Splits <paramref name="name"/>.</summary>
    /// <exception cref="ObjectStoreException">Code invalid-name: not <c>exports/{campaign}/{file}</c>, an invalid campaign id, or an unsafe name.</exception>
    public static ExportName Parse(string name)
    {
        var (campaign, file) = StoreLayout.ParseExport(name);
        return new ExportName(campaign, file);
    }
}
