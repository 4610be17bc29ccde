using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>
/// Raises the data-quality alert for an export whose name the store cannot take (<see cref="UnusableExport"/>), so the
/// campaign's subscribers learn that their file was not processed. The alert id comes from the campaign, the name and
/// the ETag, and its time from the file's, so every run raises the same alert and subscribers get it once.
/// </summary>
public sealed class UnusableExportHandler(IObjectStore store)
{
    /// <summary>The finding kind of these alerts (part of their id).</summary>
    public const string UnusableNameFinding = "unusable-name";

    /// <summary>Stores the alert with an outbox entry per current subscriber (unless stored already) and returns it; null when the folder names no campaign.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<Alert?> HandleAsync(UnusableExport export, RunId runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(export);
        if (export.Campaign is not { } campaign)
        {
            return null;
        }
        var alert = new Alert(
            Alert.CreateId(campaign, ExportArrivedHandler.DataQualityGuardrail, $"{export.Name}@{export.ETag}", UnusableNameFinding),
            campaign,
            ExportArrivedHandler.DataQualityGuardrail,
            AlertSeverity.Breach,
            $"Export not processed: {export.Problem}",
            new Dictionary<string, double> { ["bytes"] = export.Length },
            export.LastModified,
            runId);
        await AlertOutbox.RaiseAsync(store, alert, await AlertOutbox.SubscribersAsync(store, campaign, cancellationToken).ConfigureAwait(false), export.LastModified, cancellationToken).ConfigureAwait(false);
        return alert;
    }
}
