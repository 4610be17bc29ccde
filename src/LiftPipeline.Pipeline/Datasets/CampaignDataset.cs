using System.Security.Cryptography;
using System.Text.Json;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Pipeline.Datasets;

/// <summary>One export merged into a dataset: its name, the ETag it was read at, and when.</summary>
public sealed record MergedExport(string Export, string ETag, DateTimeOffset MergedAt);

/// <summary>The state of a campaign's canonical dataset: the current panel object and every export merged into it, in order.</summary>
public sealed record DatasetManifest(string Dataset, IReadOnlyList<MergedExport> Exports);

/// <summary>A dataset after a merge: its manifest, and whether this call added the export (false: the dataset already held that version).</summary>
/// <param name="Manifest">The manifest after the call.</param>
/// <param name="Added">True when this call merged the export; false when it was the dataset's latest version of that export already.</param>
public sealed record DatasetUpdate(DatasetManifest Manifest, bool Added);

/// <summary>
/// A campaign's canonical, validated, merged dataset: <c>datasets/{campaign}/manifest.json</c> names the current panel
/// object <c>datasets/{campaign}/panel-{hash}.parquet</c> (content-addressed, written once). A merge writes the new
/// panel, then swaps the manifest with an If-Match write, retrying on conflict, so concurrent exports lose nothing; an
/// export whose latest entry is at the same ETag is not merged again (idempotent reprocessing), while an export reverted
/// to earlier bytes (A → B → A) is merged again, so the dataset holds its current values.
/// </summary>
public sealed class CampaignDataset(IObjectStore store, CampaignId campaign)
{
    private const int MaxAttempts = 20;
    // The pipeline's own merge of validated exports: it may outgrow one export's limits, up to what a panel can index.
    private static readonly PanelExportOptions DatasetOptions = new()
    {
        Increment = true,
        AllowTreatmentReversal = true,
        Limits = IngestionLimits.Holdout with { MaxRowGroupRows = Array.MaxLength, MaxValues = long.MaxValue },
    };

    /// <summary>The manifest's object name.</summary>
    public string ManifestPath { get; } = StoreLayout.DatasetManifest(campaign);

    /// <summary>The manifest, or null before the first export.</summary>
    public async Task<DatasetManifest?> ReadManifestAsync(CancellationToken cancellationToken = default) =>
        (await store.ReadAsync(ManifestPath, cancellationToken).ConfigureAwait(false)) is { } content ? ParseManifest(content.Content.Span) : null;

    /// <summary>The current panel, or null before the first export.</summary>
    public async Task<Panel?> ReadPanelAsync(CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(cancellationToken).ConfigureAwait(false);
        return manifest is null ? null : await ReadPanelAsync(manifest.Dataset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The panel <paramref name="manifest"/> names (dataset objects are written once, so a manifest read earlier still resolves).</summary>
    /// <exception cref="ObjectStoreException">The named object is missing, or the store failed.</exception>
    public Task<Panel> ReadPanelAsync(DatasetManifest manifest, CancellationToken cancellationToken = default) =>
        ReadPanelAsync((manifest ?? throw new ArgumentNullException(nameof(manifest))).Dataset, cancellationToken);

    /// <summary>
    /// Merges <paramref name="panel"/>, read from <paramref name="export"/> at <paramref name="etag"/>, unless the dataset's
    /// latest entry for the export is at that ETag and no later quarantine (<paramref name="quarantined"/>, the version the
    /// export's quarantine reason records) supersedes it.
    /// </summary>
    /// <exception cref="ExportValidationException">The export does not fit the dataset (other metrics, or it would leave cells empty).</exception>
    public async Task<DatasetUpdate> MergeAsync(ExportName export, string etag, Panel panel, DateTimeOffset at, ExportVersion? quarantined = null, CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await store.ReadAsync(ManifestPath, cancellationToken).ConfigureAwait(false);
            var manifest = current is null ? null : ParseManifest(current.Content.Span);
            if (manifest is not null && new ExportHistory(ExportHistory.LatestMerge(manifest, export.Path), quarantined).IsLatestMerge(etag))
            {
                return new DatasetUpdate(manifest, false);
            }
            var older = manifest is null ? null : await ReadPanelAsync(manifest.Dataset, cancellationToken).ConfigureAwait(false);
            var merged = PanelMerge.Merge(older, panel, export.File);
            var bytes = await ToParquetAsync(merged, cancellationToken).ConfigureAwait(false);
            var dataset = StoreLayout.DatasetPanel(campaign, Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]);
            await store.TryCreateAsync(dataset, bytes, cancellationToken).ConfigureAwait(false);
            var next = new DatasetManifest(dataset, [.. manifest?.Exports ?? [], new MergedExport(export.Path, etag, at)]);
            if (await TrySwapAsync(current, next, cancellationToken).ConfigureAwait(false))
            {
                return new DatasetUpdate(next, true);
            }
        }
        throw new ObjectStoreException(ObjectStoreException.PreconditionFailed, ManifestPath, $"gave up after {MaxAttempts} concurrent updates");
    }

    private Task<bool> TrySwapAsync(ObjectContent? current, DatasetManifest next, CancellationToken cancellationToken) =>
        TrySwapAsync(store, ManifestPath, current, next, cancellationToken);

    /// <summary>Writes <paramref name="next"/> over the manifest read as <paramref name="current"/> (If-Match; create when none); false on a conflict.</summary>
    internal static async Task<bool> TrySwapAsync(IObjectStore store, string manifestPath, ObjectContent? current, DatasetManifest next, CancellationToken cancellationToken)
    {
        var json = WriteManifest(next);
        if (current is null)
        {
            return await store.TryCreateAsync(manifestPath, json, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            await store.WriteAsync(manifestPath, json, current.ETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ObjectStoreException conflict) when (conflict.Code == ObjectStoreException.PreconditionFailed)
        {
            return false;
        }
    }

    private async Task<Panel> ReadPanelAsync(string name, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new ObjectStoreException(ObjectStoreException.Unavailable, name, "the manifest names a dataset object that does not exist");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        var file = await ExportFile.OpenAsync(copy, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        // Already validated when merged; the design checks wait for measurement, as for increments.
        return await PanelExportReader.ReadAsync(file, DatasetOptions, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ToParquetAsync(Panel panel, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await PanelParquetWriter.WriteAsync(panel, buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    internal static byte[] WriteManifest(DatasetManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(
        new DatasetManifestDocument(manifest.Dataset, manifest.Exports.Select(e => new MergedExportDocument(e.Export, e.ETag, e.MergedAt)).ToArray()),
        PipelineJsonContext.Default.DatasetManifestDocument);

    /// <exception cref="JsonException">Not a dataset manifest.</exception>
    internal static DatasetManifest ParseManifest(ReadOnlySpan<byte> json)
    {
        var document = JsonSerializer.Deserialize(json, PipelineJsonContext.Default.DatasetManifestDocument) ?? throw new JsonException("a dataset manifest is a JSON object");
        return new DatasetManifest(document.Dataset, document.Exports.Select(e => new MergedExport(e.Export, e.Etag, e.MergedAt)).ToArray());
    }
}
