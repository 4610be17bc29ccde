using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>What <see cref="ExportScanner.ScanAsync"/> found: exports to handle, and names it cannot take.</summary>
/// <param name="New">Object names of unhandled exports, in name order.</param>
/// <param name="Unusable">Objects under <c>exports/</c> whose names the layout cannot take, in name order.</param>
public sealed record ExportScan(IReadOnlyList<string> New, IReadOnlyList<UnusableExport> Unusable);

/// <summary>
/// An object under <c>exports/</c> the pipeline cannot process because of its name: reported in the run summary and,
/// when <see cref="Campaign"/> is known, by a data-quality alert to that campaign.
/// </summary>
/// <param name="Name">The object's name as listed (not a valid object name).</param>
/// <param name="ETag">Its version tag, so a replaced file is reported anew.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="LastModified">When it was last written (the alert's time, so the alert is the same on every run).</param>
/// <param name="Campaign">The campaign of its folder, when the folder is a campaign id.</param>
/// <param name="Reason">What is wrong with the name and what to do, for people.</param>
public sealed record UnusableExport(string Name, string ETag, long Length, DateTimeOffset LastModified, CampaignId? Campaign, string Reason)
{
    /// <summary>The summary line: the name, then the reason.</summary>
    public string Problem => $"{Name} not processed: {Reason}";

    /// <summary>Why <paramref name="item"/>'s name cannot be taken.</summary>
    internal static UnusableExport Of(StoredObject item)
    {
        var parts = item.Name.Split('/');
        CampaignId? campaign = parts.Length >= 2 && CampaignId.TryParse(parts[1], out var id) ? id : null;
        string reason = (parts.Length, campaign) switch
        {
            ( < 3, _) => "exports go in a campaign's folder, exports/{campaign}/{file}; move it there",
            (_, null) => $"the folder '{parts[1]}' is not a campaign id (1 to 64 characters of a-z, 0-9 and '-'); move the file to exports/{{campaign}}/",
            ( > 3, _) => $"exports are exports/{campaign}/{{file}} without subfolders; move it up to exports/{campaign}/",
            _ => $"the file name '{parts[2]}' is not allowed (letters, digits, '.', '-', '_' and inner spaces); rename it",
        };
        return new UnusableExport(item.Name, item.ETag, item.Length, item.LastModified, campaign, reason);
    }
}
