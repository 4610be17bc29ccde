using System.Text.Json;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Audiences;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Audiences.Validation;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Pipeline.Handlers;

/// <summary>What a refresh pass did with one audience.</summary>
public enum AudienceRefreshStatus
{
    /// <summary>Built, assigned, activated and validated from the current customer export.</summary>
    Refreshed,

    /// <summary>Its latest refresh already used the current export, audience.json and engine: nothing was redone.</summary>
    UpToDate,

    /// <summary>Its audience.json or a rule is invalid, or its files could not be built: the message says why.</summary>
    Failed,
}

/// <summary>One audience's refresh.</summary>
/// <param name="Audience">The audience.</param>
/// <param name="Status">Refreshed, up to date, or failed.</param>
/// <param name="Message">One line for logs and the console.</param>
/// <param name="AsOf">The customer export's day, when there was one.</param>
/// <param name="Build">Members per segment and lifecycle stage, when refreshed.</param>
/// <param name="Validation">The validation report, when refreshed.</param>
/// <param name="Activations">Each surface's file or why it was suppressed, when refreshed with an <c>activate</c> block.</param>
/// <param name="Assignments">Each holdout campaign's assignment: campaign, customers per arm.</param>
/// <param name="Alerts">The alerts raised for the validation's breaches.</param>
public sealed record AudienceRefreshOutcome(AudienceId Audience, AudienceRefreshStatus Status, string Message, DateOnly? AsOf = null,
    AudienceBuildResult? Build = null, AudienceValidationReport? Validation = null, IReadOnlyList<SurfaceActivation>? Activations = null,
    IReadOnlyList<(string Campaign, AssignmentSummary Summary)>? Assignments = null, IReadOnlyList<Alert>? Alerts = null);

/// <summary>A customer export the pass rejected: copied to <c>quarantine/_customers/</c> with its reason.</summary>
/// <param name="Export">The export's object name.</param>
/// <param name="Message">Why, naming the file, code, column and rows.</param>
public sealed record QuarantinedCustomerExport(string Export, string Message);

/// <summary>Everything one refresh pass did.</summary>
/// <param name="Export">The customer export the audiences were refreshed from (the last valid one in name order), or null.</param>
/// <param name="Audiences">Each audience's outcome, in id order.</param>
/// <param name="Quarantined">Customer exports rejected by this pass.</param>
/// <param name="Problems">Work that could not be done, one line each (an odd name under <c>customers/</c>, an invalid audience.json).</param>
public sealed record AudienceRefreshPass(string? Export, IReadOnlyList<AudienceRefreshOutcome> Audiences, IReadOnlyList<QuarantinedCustomerExport> Quarantined,
    IReadOnlyList<string> Problems)
{
    /// <summary>A pass with nothing to do.</summary>
    public static AudienceRefreshPass Empty { get; } = new(null, [], [], []);
}

/// <summary>
/// Refreshes every audience (<c>audiences/{audience}/audience.json</c>) from the current customer export — the last, in
/// name order, of <c>customers/{file}</c> that is valid. For each audience whose latest refresh used another export
/// version, another audience.json or another engine: builds the members file, assigns each holdout campaign's customers
/// (<c>assignments/{campaign}/assignment.parquet</c>), writes the activation files of the non-holdout members
/// (<c>activations/{audience}/{surface}/{date}.csv</c>), validates the refresh against the previous one
/// (<c>validation.{json,md}</c>), raises an alert per breach to each holdout campaign's subscribers, and writes
/// <c>audiences/{audience}/latest.json</c> last, which marks the refresh done. The same inputs give the same files and
/// alert ids, so a repeated pass changes nothing. A customer export that fails validation is copied to
/// <c>quarantine/_customers/{file}</c> with <c>{file}.error.json</c>, never changed, and the previous valid one stays current.
/// </summary>
public sealed class AudienceRefreshHandler(IObjectStore store, TimeProvider clock)
{
    /// <summary>The guardrail name of alerts raised for an audience refresh's breaches.</summary>
    public const string Guardrail = "audience";

    private const string HoldoutArm = "holdout";

    /// <summary>Receives each audience as it is refreshed; null for none.</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Refreshes every audience that needs it, for run <paramref name="runId"/>.</summary>
    /// <exception cref="ObjectStoreException">The store failed.</exception>
    public async Task<AudienceRefreshPass> RefreshAsync(RunId runId, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        var audiences = await AudiencesAsync(problems, cancellationToken).ConfigureAwait(false);
        if (audiences.Count == 0)
        {
            return problems.Count == 0 ? AudienceRefreshPass.Empty : new AudienceRefreshPass(null, [], [], problems);
        }
        var exports = await CustomerExportsAsync(problems, cancellationToken).ConfigureAwait(false);
        var quarantined = new List<QuarantinedCustomerExport>();
        var outcomes = new List<AudienceRefreshOutcome>();
        string folder = LocalCopy.NewFolder();
        try
        {
            for (int i = exports.Count - 1; i >= 0; i--)
            {
                var export = exports[i];
                if (await IsQuarantinedAsync(export, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
                var due = new List<(AudienceId Id, StoredObject Definition)>();
                foreach (var (id, definition) in audiences)
                {
                    var latest = await LatestAsync(id, cancellationToken).ConfigureAwait(false);
                    if (latest is not null && latest.IsFor(export, definition))
                    {
                        outcomes.Add(new AudienceRefreshOutcome(id, AudienceRefreshStatus.UpToDate,
                            $"{id}: nothing new since its refresh from {export.Name} ({latest.AsOf:yyyy-MM-dd}).", latest.AsOf));
                    }
                    else
                    {
                        due.Add((id, definition));
                    }
                }
                if (due.Count == 0)
                {
                    return new AudienceRefreshPass(export.Name, outcomes, quarantined, problems);
                }
                var local = await LocalCopy.DownloadAsync(store, export.Name, folder, cancellationToken, export).ConfigureAwait(false);
                if (local is null)
                {
                    outcomes.Clear();
                    continue;   // deleted meanwhile: the one before it is current
                }
                DateOnly asOf;
                try
                {
                    asOf = await ValidateAsync(local.Path, FileName(export.Name), cancellationToken).ConfigureAwait(false);
                }
                catch (ExportValidationException invalid)
                {
                    await QuarantineAsync(export, local, invalid, cancellationToken).ConfigureAwait(false);
                    quarantined.Add(new QuarantinedCustomerExport(export.Name, invalid.Message));
                    outcomes.Clear();
                    continue;
                }
                foreach (var (id, definition) in due)
                {
                    Progress?.Report(id.Value);
                    outcomes.Add(await RefreshAsync(id, definition, export, local, asOf, runId, folder, cancellationToken).ConfigureAwait(false));
                }
                outcomes.Sort((a, b) => string.CompareOrdinal(a.Audience.Value, b.Audience.Value));
                return new AudienceRefreshPass(export.Name, outcomes, quarantined, problems);
            }
            return new AudienceRefreshPass(null, [], quarantined, problems);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<AudienceRefreshOutcome> RefreshAsync(AudienceId id, StoredObject definitionObject, StoredObject export, LocalCopy local, DateOnly asOf,
        RunId runId, string folder, CancellationToken cancellationToken)
    {
        string name = StoreLayout.AudienceConfig(id);
        AudienceDefinition definition;
        var content = await store.ReadAsync(name, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return new AudienceRefreshOutcome(id, AudienceRefreshStatus.Failed, $"{name} was removed during the pass.");
        }
        try
        {
            definition = AudienceDefinitionReader.Read(name, content.Content.Span);
            if (definition.Audience != id.Value)
            {
                throw new AudienceDefinitionException(name, [$"audience: '{definition.Audience}' is not the folder's audience '{id}'"]);
            }
        }
        catch (AudienceDefinitionException invalid)
        {
            return new AudienceRefreshOutcome(id, AudienceRefreshStatus.Failed, invalid.Message);
        }
        string work = Directory.CreateDirectory(Path.Combine(folder, id.Value)).FullName;
        var previous = await LatestAsync(id, cancellationToken).ConfigureAwait(false);
        string? previousExport = null, previousMembers = null;
        // Who is reactivated is judged against the export before this one: the previous refresh's, or — when that refresh
        // read this same export (only audience.json changed) — the one it was judged against.
        string? earlierExport = previous is null ? null
            : previous.Export == export.Name && previous.ExportETag == export.ETag ? previous.PreviousExport : previous.Export;
        if (previous is not null)
        {
            previousExport = earlierExport is null ? null : await DownloadAsync(earlierExport, Path.Combine(work, "previous-export"), cancellationToken).ConfigureAwait(false);
            previousMembers = await DownloadAsync(previous.Members, Path.Combine(work, "previous-members"), cancellationToken).ConfigureAwait(false);
        }
        try
        {
            string members = Path.Combine(work, "members.parquet");
            var build = await AudienceBuilder.BuildAsync(local.Path, definition, members,
                new AudienceBuildOptions { PreviousExport = previousExport, DefinitionName = name }, null, cancellationToken).ConfigureAwait(false);
            SegmentMembers segments;
            await using (var file = await ExportFile.OpenAsync(members, cancellationToken).ConfigureAwait(false))
            {
                segments = await SegmentMembersReader.ReadAsync(file, null, cancellationToken).ConfigureAwait(false);
            }
            var assignments = new List<(string Campaign, AssignmentSummary Summary)>();
            var assignmentFiles = new List<string>();
            foreach (var holdout in definition.Holdouts)
            {
                string path = Path.Combine(work, $"assignment-{holdout.Campaign}.parquet");
                await using (var output = new FileStream(path, FileMode.Create, FileAccess.Write))
                await using (var file = await ExportFile.OpenAsync(local.Path, cancellationToken).ConfigureAwait(false))
                {
                    var customers = CustomerExportReader.Open(file, new CustomerExportOptions { Extras = [] });
                    var summary = await HoldoutAssignmentWriter.WriteAsync(customers, holdout.Assigner, output,
                        new CustomerKeySet(segments.Find(holdout.Segment) ?? []), null, cancellationToken)
                        .ConfigureAwait(false);
                    assignments.Add((holdout.Campaign, summary));
                }
                assignmentFiles.Add(path);
            }
            var activations = definition.Activate is { } activate
                ? await ActivateAsync(id, activate, segments, assignmentFiles, local.Path, asOf, work, cancellationToken).ConfigureAwait(false)
                : null;
            var validation = await AudienceValidation.RunAsync(
                new AudienceValidationInputs(local.Path, members, previousMembers, assignmentFiles.Count > 0 ? assignmentFiles[0] : null),
                AudienceValidationOptions.From(definition.Validation) with
                {
                    Surfaces = definition.Activate?.Surfaces ?? ActivationSurface.All,
                    HoldoutArm = HoldoutArm,
                    BalanceBySegment = false,
                }, cancellationToken).ConfigureAwait(false);

            // Results first, then the alerts (durable with their deliveries), then latest.json, which marks the refresh done.
            await UploadAsync(members, StoreLayout.AudienceMembers(id, asOf), cancellationToken).ConfigureAwait(false);
            for (int h = 0; h < definition.Holdouts.Count; h++)
            {
                await UploadAsync(assignmentFiles[h], StoreLayout.Assignment(CampaignId.Parse(definition.Holdouts[h].Campaign)), cancellationToken).ConfigureAwait(false);
            }
            await store.WriteAsync(StoreLayout.AudienceValidationJson(id, asOf), System.Text.Encoding.UTF8.GetBytes(AudienceValidationJson.ToJson(validation)), null, cancellationToken)
                .ConfigureAwait(false);
            await store.WriteAsync(StoreLayout.AudienceValidationMarkdown(id, asOf), System.Text.Encoding.UTF8.GetBytes(AudienceValidationText.ToMarkdown(validation)), null,
                cancellationToken).ConfigureAwait(false);
            var alerts = await RaiseAsync(id, definition, export, definitionObject, validation, asOf, runId, cancellationToken).ConfigureAwait(false);
            var record = new RefreshRecord(export.Name, export.ETag, definitionObject.ETag, EngineVersion.Current, asOf, StoreLayout.AudienceMembers(id, asOf),
                previousExport is null ? null : earlierExport);
            await store.WriteAsync(StoreLayout.AudienceLatest(id), record.ToJson(build, validation), null, cancellationToken).ConfigureAwait(false);
            string segmentsLine = string.Join(", ", build.Segments.Select(s => $"{s.Segment} {ReleasedSize(validation, s.Segment, s.Members)}"));
            return new AudienceRefreshOutcome(id, AudienceRefreshStatus.Refreshed,
                $"{id}: {build.Customers:N0} customers as of {asOf:yyyy-MM-dd} — {segmentsLine}; validation {AudienceValidationJson.Status(validation.Status)}.",
                asOf, build, validation, activations?.Surfaces, assignments, alerts);
        }
        catch (Exception e) when (e is AudienceDefinitionException or ExportValidationException)
        {
            return new AudienceRefreshOutcome(id, AudienceRefreshStatus.Failed, e.Message, asOf);
        }
    }

    /// <summary>A segment's size as the validation report releases it: the count, or "suppressed" when it withholds the segment.</summary>
    private static string ReleasedSize(AudienceValidationReport validation, string segment, long members) =>
        validation.Suppression?.Segments.Contains(segment) == true ? "suppressed" : members.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The activation files of the activated segment's members outside every holdout arm, uploaded beside earlier days'.</summary>
    private async Task<ActivationSummary> ActivateAsync(AudienceId id, AudienceActivation activate, SegmentMembers segments, List<string> assignmentFiles,
        string export, DateOnly asOf, string work, CancellationToken cancellationToken)
    {
        var holdouts = new List<AssignmentArms>();
        foreach (var path in assignmentFiles)
        {
            await using var file = await ExportFile.OpenAsync(path, cancellationToken).ConfigureAwait(false);
            holdouts.Add(await HoldoutAssignmentReader.ReadAsync(file, cancellationToken).ConfigureAwait(false));
        }
        var members = ActivationMembers(segments.Find(activate.Segment) ?? [], holdouts);
        string output = Directory.CreateDirectory(Path.Combine(work, "activations")).FullName;
        ActivationSummary summary;
        await using (var file = await ExportFile.OpenAsync(export, cancellationToken).ConfigureAwait(false))
        {
            var customers = CustomerExportReader.Open(file, new CustomerExportOptions { Extras = [], ReadContacts = true });
            summary = await ActivationExporter.ExportAsync(customers, members, new ActivationOptions(id.Value, asOf, activate.Surfaces, activate.PhoneCountryCode ?? ""),
                output, cancellationToken).ConfigureAwait(false);
        }
        foreach (var surface in summary.Surfaces)
        {
            string target = StoreLayout.ActivationFolder(id, surface.Surface.Name);
            foreach (var path in Directory.EnumerateFiles(Path.Combine(output, id.Value, surface.Surface.Name)))
            {
                await UploadAsync(path, target + Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
            }
            if (surface.SuppressedReason is not null)
            {
                await store.DeleteAsync(target + $"{asOf:yyyy-MM-dd}.csv", cancellationToken).ConfigureAwait(false);   // an earlier pass's file of the day is not kept
            }
            else
            {
                await store.DeleteAsync(target + $"{asOf:yyyy-MM-dd}.suppressed.txt", cancellationToken).ConfigureAwait(false);
            }
        }
        return summary;
    }

    /// <summary>The segment's members less each holdout's holdout arm: the customers an ad platform may be sent.</summary>
    private static CustomerKeySet ActivationMembers(ulong[] segment, List<AssignmentArms> holdouts)
    {
        var kept = new List<ulong>(segment.Length);
        foreach (ulong key in segment)
        {
            bool held = false;
            foreach (var arms in holdouts)
            {
                int arm = arms.ArmOf(key);
                held |= arm >= 0 && arms.Arms[arm] == HoldoutArm;
            }
            if (!held)
            {
                kept.Add(key);
            }
        }
        return new CustomerKeySet(kept.ToArray());
    }

    /// <summary>One alert per validation breach, to each holdout campaign of the audience and its subscribers.</summary>
    private async Task<IReadOnlyList<Alert>> RaiseAsync(AudienceId id, AudienceDefinition definition, StoredObject export, StoredObject definitionObject,
        AudienceValidationReport validation, DateOnly asOf, RunId runId, CancellationToken cancellationToken)
    {
        var alerts = new List<Alert>();
        var now = clock.GetUtcNow();
        foreach (var holdout in definition.Holdouts)
        {
            var campaign = CampaignId.Parse(holdout.Campaign);
            var subscribers = await AlertOutbox.SubscribersAsync(store, campaign, cancellationToken).ConfigureAwait(false);
            foreach (var breach in validation.Breaches)
            {
                var alert = new Alert(
                    Alert.CreateId(campaign, Guardrail, $"{export.Name}@{export.ETag}+{definitionObject.ETag}", $"{breach.Check}:{breach.Segment}"),
                    campaign, Guardrail, AlertSeverity.Breach, $"Audience {id} ({asOf:yyyy-MM-dd}): {breach.Message}", breach.Evidence, now, runId,
                    StoreLayout.AudienceValidationJson(id, asOf));
                await AlertOutbox.RaiseAsync(store, alert, subscribers, now, cancellationToken).ConfigureAwait(false);
                alerts.Add(alert);
            }
        }
        return alerts;
    }

    /// <summary>Reads every row of a customer export (the contract's checks, and no customer id twice) and returns its as-of day.</summary>
    private static async Task<DateOnly> ValidateAsync(string path, string name, CancellationToken cancellationToken)
    {
        await using var file = await ExportFile.OpenAsync(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), name, IngestionLimits.Holdout,
            leaveOpen: false, cancellationToken).ConfigureAwait(false);
        var reader = CustomerExportReader.Open(file, new CustomerExportOptions { Extras = [] });
        var duplicates = new CustomerIdDuplicates();
        int? asOf = null;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            var batch = await reader.ReadRowGroupAsync(g, cancellationToken).ConfigureAwait(false);
            asOf ??= batch.Count > 0 ? batch.AsOf[0] : null;
            duplicates.Add(batch);
        }
        await duplicates.ThrowIfAnyAsync(reader, cancellationToken).ConfigureAwait(false);
        return asOf is { } days ? DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + days)
            : throw ExportValidationException.Single(name, ExportErrorCodes.EmptyFile, "the export has no customers", null);
    }

    private async Task<List<(AudienceId, StoredObject)>> AudiencesAsync(List<string> problems, CancellationToken cancellationToken)
    {
        var audiences = new List<(AudienceId, StoredObject)>();
        await foreach (var item in store.ListAsync(StoreLayout.AudiencesPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreLayout.TryParseAudienceConfig(item.Name, out var id))
            {
                audiences.Add((id, item));
            }
        }
        audiences.Sort((a, b) => string.CompareOrdinal(a.Item1.Value, b.Item1.Value));
        return audiences;
    }

    private async Task<List<StoredObject>> CustomerExportsAsync(List<string> problems, CancellationToken cancellationToken)
    {
        var exports = new List<StoredObject>();
        await foreach (var item in store.ListAsync(StoreLayout.CustomersPrefix, cancellationToken).ConfigureAwait(false))
        {
            if (StoreLayout.TryParseCustomerExport(item.Name, out _) && ObjectName.IsValid(item.Name))
            {
                exports.Add(item);
            }
            else
            {
                problems.Add($"{item.Name} left unprocessed: a customer export is customers/{{file}}, one level deep, with a safe name");
            }
        }
        exports.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return exports;
    }

    private async Task<bool> IsQuarantinedAsync(StoredObject export, CancellationToken cancellationToken) =>
        await store.ReadAsync(StoreLayout.CustomerQuarantineError(FileName(export.Name)), cancellationToken).ConfigureAwait(false) is { } reason
        && ExportHistory.ParseReason(reason.Content.Span) is { } recorded && recorded.Export == export.Name && recorded.Version.ETag == export.ETag;

    /// <summary>Copies the export to quarantine, then writes its reason, which marks this version rejected.</summary>
    private async Task QuarantineAsync(StoredObject export, LocalCopy local, ExportValidationException invalid, CancellationToken cancellationToken)
    {
        string file = FileName(export.Name);
        await store.DeleteAsync(StoreLayout.CustomerQuarantine(file), cancellationToken).ConfigureAwait(false);
        await using (var stream = File.OpenRead(local.Path))
        {
            await store.TryCreateAsync(StoreLayout.CustomerQuarantine(file), stream, cancellationToken).ConfigureAwait(false);
        }
        await store.WriteAsync(StoreLayout.CustomerQuarantineError(file), ExportArrivedHandler.ErrorJson(export.Name, export.ETag, invalid, clock.GetUtcNow()), null,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<RefreshRecord?> LatestAsync(AudienceId id, CancellationToken cancellationToken) =>
        await store.ReadAsync(StoreLayout.AudienceLatest(id), cancellationToken).ConfigureAwait(false) is { } content ? RefreshRecord.Parse(content.Content.Span) : null;

    /// <summary>Copies a stored object to <paramref name="folder"/>; null when it is gone.</summary>
    private async Task<string?> DownloadAsync(string name, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        return (await LocalCopy.DownloadAsync(store, name, folder, cancellationToken).ConfigureAwait(false))?.Path;
    }

    /// <summary>Replaces <paramref name="name"/> with the local file's bytes.</summary>
    private async Task UploadAsync(string path, string name, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        await using var stream = File.OpenRead(path);
        await store.TryCreateAsync(name, stream, cancellationToken).ConfigureAwait(false);
    }

    private static string FileName(string name) => name[(name.LastIndexOf('/') + 1)..];

    /// <summary><c>audiences/{audience}/latest.json</c>: what the latest refresh was made from, and where its files are.</summary>
    private sealed record RefreshRecord(string Export, string ExportETag, string DefinitionETag, string Engine, DateOnly AsOf, string Members, string? PreviousExport)
    {
        public bool IsFor(StoredObject export, StoredObject definition) =>
            Export == export.Name && ExportETag == export.ETag && DefinitionETag == definition.ETag && Engine == EngineVersion.Current;

        public byte[] ToJson(AudienceBuildResult build, AudienceValidationReport validation)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("export", Export);
                w.WriteString("exportETag", ExportETag);
                w.WriteString("definitionETag", DefinitionETag);
                w.WriteString("engine", Engine);
                w.WriteString("asOf", AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("members", Members);
                w.WriteString("previousExport", PreviousExport);
                w.WriteNumber("customers", build.Customers);
                w.WriteStartObject("segments");
                foreach (var segment in build.Segments)
                {
                    // Only what the validation report releases: a segment it withholds has no size here either.
                    if (validation.Suppression?.Segments.Contains(segment.Segment) == true)
                    {
                        w.WriteNull(segment.Segment);
                    }
                    else
                    {
                        w.WriteNumber(segment.Segment, segment.Members);
                    }
                }
                w.WriteEndObject();
                w.WriteString("validation", AudienceValidationJson.Status(validation.Status));
                w.WriteEndObject();
            }
            return buffer.ToArray();
        }

        public static RefreshRecord? Parse(ReadOnlySpan<byte> json)
        {
            try
            {
                var reader = new Utf8JsonReader(json);
                using var document = JsonDocument.ParseValue(ref reader);
                var root = document.RootElement;
                return new RefreshRecord(root.GetProperty("export").GetString()!, root.GetProperty("exportETag").GetString()!,
                    root.GetProperty("definitionETag").GetString()!, root.GetProperty("engine").GetString()!,
                    DateOnly.ParseExact(root.GetProperty("asOf").GetString()!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    root.GetProperty("members").GetString()!,
                    root.TryGetProperty("previousExport", out var earlier) && earlier.ValueKind == JsonValueKind.String ? earlier.GetString() : null);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentNullException)
            {
                return null;   // unreadable: the audience is refreshed again
            }
        }
    }
}
